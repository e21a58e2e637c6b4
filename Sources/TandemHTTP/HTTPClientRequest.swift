/// A request for `HTTPClient.send`.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// Absolute, e.g. "http://127.0.0.1:8081/rest/api/2/issue".
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Limit for the whole exchange: connecting, writing and reading the response.
    public var timeoutSeconds: Double

    public init(method: String, url: String, headers: HTTPHeaders = [:], body: [UInt8] = [], timeoutSeconds: Double = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutSeconds = timeoutSeconds
    }
}
