import Foundation

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

    /// This error with each of `secrets` in its message replaced by `***`.
    public func masking(_ secrets: [String]) -> ConfigError {
        var text = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return ConfigError(path, text)
    }
}
