import TandemJSON

/// One HTTP request as a handler sees it: head fields decoded, body complete.
///
/// `path` and `queryItems` are derived from `target` when the request is made;
/// changing `target` later does not update them.
public struct HTTPRequest: Sendable {
    /// The method as sent ("GET"); methods are case-sensitive tokens.
    public var method: String
    /// The raw request-target, e.g. "/rest/api/2/search?jql=a%20b".
    public var target: String
    /// The percent-decoded path without the query.
    public var path: String
    /// Decoded query items in order; '+' is a space.
    public var queryItems: [(name: String, value: String)]
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Filled by `Router` from the pattern's `{name}` segments.
    public var pathParameters: [String: String]
    /// The peer as "address:port"; empty for requests made in code.
    public var remoteAddress: String
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    public var httpMinorVersion: Int

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        (path, queryItems) = URLCoding.split(target: target)
        self.headers = headers
        self.body = body
        self.pathParameters = [:]
        self.remoteAddress = ""
        self.httpMinorVersion = 1
    }

    /// The first value of query item `name`, or nil.
    public func query(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The body parsed as JSON.
    ///
    /// - Throws: `HTTPResponseError` carrying a 400 JSON response whose
    ///   `reason` says what is wrong, so a `Router` handler can just `try` it.
    public func jsonBody() throws -> JSON {
        if body.isEmpty {
            throw HTTPResponseError(.error(400, "the request body is empty; expected a JSON document"))
        }
        do {
            return try JSON(parsing: body)
        } catch {
            throw HTTPResponseError(.error(400, "the request body is not valid JSON: \(error)"))
        }
    }
}
