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
