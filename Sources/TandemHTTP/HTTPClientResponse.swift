/// What the client returns: the same value a handler returns, with a
/// chunked body already decoded.
public typealias HTTPClientResponse = HTTPResponse

extension HTTPResponse {
    /// The body as UTF-8 text (invalid bytes become U+FFFD).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
