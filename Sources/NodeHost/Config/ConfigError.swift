/// A node configuration that cannot be used, with the JSON path of the bad value.
///
/// Example: `$.connections.sup-incidents.peer.url: expected a string, got number`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON path, `$` for the root.
    public let path: String
    public let message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
