/// A failed plugin call as the engine sees it: the ABI status, the plugin's
/// message, and for rate limits how long to wait.
public struct PluginCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Int32, Sendable {
        case transient = 1, rateLimited, notFound, invalid, auth, unsupported, `internal`
    }

    public let kind: Kind
    public let message: String
    public let retryAfterMs: Int64?

    public init(_ kind: Kind, _ message: String, retryAfterMs: Int64? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfterMs = retryAfterMs
    }

    /// Whether retrying the same call later may succeed.
    public var isTransient: Bool { kind == .transient || kind == .rateLimited }

    public var description: String { "\(statusName(kind.rawValue)): \(message)" }
}
