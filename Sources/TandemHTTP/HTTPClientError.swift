/// Why `HTTPClient.send` failed; each message names the address involved.
public enum HTTPClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Not an absolute `http://host[:port]/…` or `https://…` URL.
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
    /// TLS could not be set up: the certificate did not verify (unknown CA,
    /// expired, issued for another host), the handshake failed, or the CA
    /// file is unusable.
    case tlsFailure(String)

    public var description: String {
        switch self {
        case .invalidURL(let detail): return "invalid URL: \(detail)"
        case .connectionRefused(let detail): return "connection refused: \(detail)"
        case .timedOut(let detail): return "timed out: \(detail)"
        case .malformedResponse(let detail): return "malformed response: \(detail)"
        case .hostNotFound(let detail): return "host not found: \(detail)"
        case .connectionClosed(let detail): return "connection closed: \(detail)"
        case .socketError(let detail): return "socket error: \(detail)"
        case .tlsFailure(let detail): return "TLS failure: \(detail)"
        }
    }
}
