import PluginAPI

/// A failed operation as the node sees it: a status and a message.
///
/// The cases mirror the ABI's status codes (status.h). Map tracker responses
/// with `ConnectorError.from(httpStatus:…)` so every connector maps alike.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case transient
        case rateLimited(retryAfterMs: Int64)
        case notFound
        case invalid
        case auth
        case unsupported
        case `internal`
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func transient(_ message: String) -> ConnectorError { .init(.transient, message) }
    public static func notFound(_ message: String) -> ConnectorError { .init(.notFound, message) }
    public static func invalid(_ message: String) -> ConnectorError { .init(.invalid, message) }
    public static func auth(_ message: String) -> ConnectorError { .init(.auth, message) }
    public static func unsupported(_ message: String) -> ConnectorError { .init(.unsupported, message) }
    public static func `internal`(_ message: String) -> ConnectorError { .init(.internal, message) }

    public var description: String { message }

    /// The ABI status code of this error.
    public var status: tandem_status_t {
        switch kind {
        case .transient: return TANDEM_STATUS_TRANSIENT
        case .rateLimited: return TANDEM_STATUS_RATE_LIMITED
        case .notFound: return TANDEM_STATUS_NOT_FOUND
        case .invalid: return TANDEM_STATUS_INVALID
        case .auth: return TANDEM_STATUS_AUTH
        case .unsupported: return TANDEM_STATUS_UNSUPPORTED
        case .internal: return TANDEM_STATUS_INTERNAL
        }
    }

    /// The error body that crosses the ABI: `{"message": …[, "retry_after_ms": …]}`.
    var body: JSON {
        var members: [String: JSON] = ["message": .string(message)]
        if case .rateLimited(let after) = kind { members["retry_after_ms"] = .int(after) }
        return .object(members)
    }

    /// The uniform mapping of a tracker's HTTP answer to an error, or nil for 2xx/3xx.
    ///
    /// 401 → auth; 403 → auth only when `credentialsRefused` (the tracker said
    /// the login itself was refused), else invalid: trackers answer 403 for a
    /// missing permission, a data policy or an XSRF check, which new credentials
    /// would not fix; 404 → not found; 400 and 409/422 → invalid (with the
    /// tracker's own message); 429 → rate limited using `Retry-After` seconds
    /// (1 s when absent); 5xx and anything else unexpected → transient.
    public static func from(httpStatus: Int, retryAfter: String?, trackerMessage: String,
                            credentialsRefused: Bool = false) -> ConnectorError? {
        switch httpStatus {
        case 200..<400: return nil
        case 401: return .auth("tracker refused the credentials (HTTP 401): \(trackerMessage)")
        case 403 where credentialsRefused: return .auth("tracker refused the login (HTTP 403): \(trackerMessage)")
        case 403: return .invalid("tracker forbids this to the connector's account (HTTP 403): \(trackerMessage)")
        case 404: return .notFound("not found (HTTP 404): \(trackerMessage)")
        case 400, 409, 422: return .invalid("tracker refused the request (HTTP \(httpStatus)): \(trackerMessage)")
        case 429:
            let seconds = retryAfter.flatMap { Int64($0.trimmingSpaces) } ?? 1
            return .init(.rateLimited(retryAfterMs: max(0, seconds) * 1000),
                         "rate limited (HTTP 429), retry after \(seconds) s")
        default: return .transient("tracker answered HTTP \(httpStatus): \(trackerMessage)")
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
