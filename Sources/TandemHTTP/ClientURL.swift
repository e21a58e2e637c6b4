/// The parts of an absolute http or https URL the client needs.
struct ClientURL: Equatable {
    /// True for https: the connection runs TLS and verifies the server.
    var isTLS: Bool
    var host: String
    var port: Int
    /// Path and query, at least "/".
    var target: String

    /// "host:port" (the port omitted when it is the scheme's default): the Host header value.
    var authority: String { port == (isTLS ? 443 : 80) ? host : "\(host):\(port)" }

    /// The idle-pool key: plain and TLS connections to one address never mix.
    var poolKey: String { (isTLS ? "https://" : "http://") + authority }

    init(parsing url: String) throws(HTTPClientError) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .invalidURL("'\(url)' has no scheme; expected http://host:port/path or https://…")
        }
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "http": isTLS = false
        case "https": isTLS = true
        default: throw .invalidURL("'\(url)' is neither http nor https")
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
            self.port = isTLS ? 443 : 80
        }
        guard !authority.isEmpty else { throw .invalidURL("'\(url)' has no host") }
        host = String(authority)
        self.target = target
    }
}
