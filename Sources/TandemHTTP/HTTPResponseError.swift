/// Thrown by a handler to answer with `response` instead of a 500.
public struct HTTPResponseError: Error, CustomStringConvertible {
    public let response: HTTPResponse
    public init(_ response: HTTPResponse) { self.response = response }
    public var description: String {
        "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))"
    }
}
