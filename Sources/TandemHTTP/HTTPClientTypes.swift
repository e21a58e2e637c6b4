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

/// A complete response; a chunked body arrives decoded.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (invalid bytes become U+FFFD).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Why `HTTPClient.send` failed; each message names the address involved.
public enum HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Not an absolute `http://host[:port]/…` URL.
    case invalidURL(String)
    /// Nothing listens at the address (ECONNREFUSED).
    case connectionRefused(String)
    /// The exchange did not finish within the request's timeout.
    case timedOut(String)
    /// The peer answered something that is not HTTP/1.x.
    case malformedResponse(String)
    /// The host name did not resolve to an IPv4 address.
    case hostNotFound(String)
    /// The connection closed or reset before the response was complete.
    case connectionClosed(String)
    /// Any other socket failure.
    case socketError(String)

    public var description: String {
        switch self {
        case .invalidURL(let detail): return "invalid URL: \(detail)"
        case .connectionRefused(let detail): return "connection refused: \(detail)"
        case .timedOut(let detail): return "timed out: \(detail)"
        case .malformedResponse(let detail): return "malformed response: \(detail)"
        case .hostNotFound(let detail): return "host not found: \(detail)"
        case .connectionClosed(let detail): return "connection closed: \(detail)"
        case .socketError(let detail): return "socket error: \(detail)"
        }
    }
}

/// The parts of an absolute http URL the client needs.
struct ClientURL: Equatable {
    var host: String
    var port: Int
    /// Path and query, at least "/".
    var target: String

    /// "host:port", the pool key and the Host header value.
    var authority: String { port == 80 ? host : "\(host):\(port)" }

    init(parsing url: String) throws(HTTPClientError) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidURL("'\(url)' has no scheme; expected http://host:port/path")
        }
        guard url[..<schemeEnd.lowerBound].lowercased() == "http" else {
            throw .invalidURL("'\(url)' is not http (plain http only, no TLS)")
        }
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidURL("'\(url)' has spaces or control characters in its path; percent-encode them")
        }
        if let colon = authority.lastIndex(of: ":") {
            let portText = authority[authority.index(after: colon)...]
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw .invalidURL("'\(url)' has an invalid port '\(portText)'")
            }
            self.port = port
            authority = authority[..<colon]
        } else {
            self.port = 80
        }
        guard !authority.isEmpty else { throw .invalidURL("'\(url)' has no host") }
        host = String(authority)
        self.target = target
    }
}
