import Foundation
import TandemJSON
import TandemTime

/// Writes one JSON object per line: `ts`, `level`, `msg`, and when known
/// `node`, `connection`, `entity`, `tx`, plus any extra fields.
///
/// Every configured secret is replaced by `***` in every line before it is
/// written, whatever put it there (a tracker's error message echoing a
/// password, a URL with a token), so no log line carries a secret. The
/// same line repeated within 10 s is counted instead of written, then
/// summed up in one line (`LogCollapser`).
///
/// Thread: any; lines are written whole under a lock.
public final class Logger: @unchecked Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warn, error

        public static func < (left: Level, right: Level) -> Bool { left.rank < right.rank }

        private var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warn: 2
            case .error: 3
            }
        }
    }

    private let lock = NSLock()
    private let write: @Sendable (String) -> Void
    private let minimum: Level
    private let node: String
    private var secrets: [String] = []
    private var collapser = LogCollapser()

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
        let now = Timestamp.now()
        lock.withLock {
            let (admitted, ended) = collapser.admit(LogCollapser.Line(level: level, message: message, connection: connection, entity: entity),
                                                    now: now)
            for summary in ended {
                emit(summary.line.level, summary.message, connection: summary.line.connection, entity: summary.line.entity,
                     tx: nil, ["repeated": .int(Int64(summary.count))], at: now)
            }
            if admitted { emit(level, message, connection: connection, entity: entity, tx: tx, extra, at: now) }
        }
    }

    /// Writes one line; the caller holds `lock`.
    private func emit(_ level: Level, _ message: String, connection: String?, entity: String?, tx: String?,
                      _ extra: [String: JSON], at time: Int64) {
        var object = extra
        object["ts"] = .string(Timestamp.iso(time))
        object["level"] = .string(level.rawValue)
        object["msg"] = .string(message)
        object["node"] = .string(node)
        if let connection { object["connection"] = .string(connection) }
        if let entity { object["entity"] = .string(entity) }
        if let tx { object["tx"] = .string(tx) }
        var line = JSON.object(object).text
        for secret in secrets where line.containsBytes(secret) {
            line = line.replacingOccurrences(of: secret, with: "***")
        }
        write(line)
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
