import TandemJSON

/// What the node offers plugin instances through the host table (host.h).
///
/// Each closure runs on the thread of the plugin call that uses it (a node
/// worker). The engine builds these from the connection's config: the HTTP
/// service enforces the allowed base URL, timeouts and rate limit.
public struct HostServices: Sendable {
    public var log: @Sendable (_ instance: String, _ level: Int32, _ message: String) -> Void
    public var http: @Sendable (_ request: HostHTTPRequest) -> Result<HostHTTPResponse, HostHTTPError>
    /// Nil when there is no such secret; throws when it cannot be looked up now.
    public var secret: @Sendable (_ name: String) throws(HostServiceError) -> String?
    public var nowMs: @Sendable () -> Int64

    public init(log: @escaping @Sendable (String, Int32, String) -> Void,
                http: @escaping @Sendable (HostHTTPRequest) -> Result<HostHTTPResponse, HostHTTPError>,
                secret: @escaping @Sendable (String) throws(HostServiceError) -> String?,
                nowMs: @escaping @Sendable () -> Int64) {
        self.log = log
        self.http = http
        self.secret = secret
        self.nowMs = nowMs
    }
}

/// An HTTP request a plugin asked the host to perform.
public struct HostHTTPRequest: Sendable, Equatable {
    public var method: String
    /// Absolute, or a path relative to the instance's base URL.
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    /// 0 means the connection's default.
    public var timeoutMs: UInt32

    public init(method: String, url: String, headers: [String: String], body: [UInt8], timeoutMs: UInt32) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMs = timeoutMs
    }
}

/// The tracker's answer, whatever its status.
public struct HostHTTPResponse: Sendable, Equatable {
    public var status: Int
    /// Lower-case names; repeated headers joined by ", ".
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why no response came back.
public enum HostHTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Connection refused, reset or timed out: worth retrying.
    case unreachable(String)
    /// The URL is outside what this instance may reach.
    case notAllowed(String)

    public var description: String {
        switch self {
        case .unreachable(let detail): return detail
        case .notAllowed(let detail): return detail
        }
    }
}

/// A host service that cannot answer now (an isolated plugin's node did not
/// answer its request): worth retrying; `reason` says what failed.
public struct HostServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
