import Foundation
import TandemJSON
import TandemTime

/// Writes one JSON object per line: `ts`, `level`, `msg`, and when known
/// `node`, `connection`, `entity`, `tx`, plus any extra fields.
///
/// Every configured secret is replaced by `***` in every line before it is
/// written, whatever put it there (a tracker's error message echoing a
/// password, a URL with a token), so no log line carries a secret.
///
/// Thread: any; lines are written whole under a lock.
public final class Logger: @unchecked Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warn, error

        public static func < (left: Level, right: Level) -> Bool {
            let order: [Level] = [.debug, .info, .warn, .error]
            return order.firstIndex(of: left)! < order.firstIndex(of: right)!
        }
    }

    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private let minimum: Level
    private let node: String
    private var secrets: [String] = []

    /// - Parameter write: receives each finished line without the newline;
    ///   the default writes to standard error.
    public init(node: String, minimum: Level = .info,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.node = node
        self.minimum = minimum
        self.write = write
    }

    /// Values that must never appear in a log line. Short values (under 4
    /// characters) are ignored: redacting them would garble ordinary text.
    public func redact(_ values: [String]) {
        lock.withLock { secrets = Array(Set(secrets + values.filter { $0.count >= 4 })).sorted { $0.count > $1.count } }
    }

    public func log(_ level: Level, _ message: String, connection: String? = nil, entity: String? = nil,
                    tx: String? = nil, _ extra: [String: JSON] = [:]) {
        guard level >= minimum else { return }
        var object = extra
        object["ts"] = .string(Timestamp.iso(Timestamp.now()))
        object["level"] = .string(level.rawValue)
        object["msg"] = .string(message)
        object["node"] = .string(node)
        if let connection { object["connection"] = .string(connection) }
        if let entity { object["entity"] = .string(entity) }
        if let tx { object["tx"] = .string(tx) }
        lock.withLock {
            var line = JSON.object(object).text
            for secret in secrets where line.contains(secret) {
                line = line.replacingOccurrences(of: secret, with: "***")
            }
            write(line)
        }
    }

    public func info(_ message: String, connection: String? = nil, entity: String? = nil, tx: String? = nil,
                     _ extra: [String: JSON] = [:]) {
        log(.info, message, connection: connection, entity: entity, tx: tx, extra)
    }

    public func warn(_ message: String, connection: String? = nil, entity: String? = nil, tx: String? = nil,
                     _ extra: [String: JSON] = [:]) {
        log(.warn, message, connection: connection, entity: entity, tx: tx, extra)
    }

    public func error(_ message: String, connection: String? = nil, entity: String? = nil, tx: String? = nil,
                      _ extra: [String: JSON] = [:]) {
        log(.error, message, connection: connection, entity: entity, tx: tx, extra)
    }
}
