import Foundation

/// What happened when an operation ran: the history the invariants are
/// checked against. Times are seconds since the stream started.
struct HistoryEvent: Sendable, CustomStringConvertible {
    enum Outcome: Sendable, Equatable {
        case done
        /// The tracker answered with an error, or not at all: the change may or may not exist.
        case failed(String)
        /// Not attempted (its entity never got created).
        case skipped(String)
    }

    let operation: HistoryOperation
    let start: Double
    let end: Double
    let outcome: Outcome
    /// Ids of the entity it changed or created, in its own tracker.
    var entity: (id: String, key: String)?
    /// For an edit of an alternating pair: whether the previous edit of the
    /// field showed in the other tracker before this one was made (nil: no wait).
    var settled: Bool? = nil

    var description: String {
        let result = switch outcome {
        case .done: "ok"
        case .failed(let reason): "FAILED: \(reason.prefix(200))"
        case .skipped(let reason): "skipped: \(reason)"
        }
        let target = entity.map { " [\($0.key)]" } ?? ""
        let wait = settled == false ? " (made before the previous edit showed on the other side)" : ""
        return "\(fixed(start, 3))–\(fixed(end, 3)) s \(operation)\(target)\(wait): \(result)"
    }
}

/// A pair's two entities once linked.
struct HistoryPairIDs: Sendable {
    var jira: (id: String, key: String)
    var serviceNow: (id: String, key: String)

    func ids(_ side: HistorySide) -> (id: String, key: String) { side == .jira ? jira : serviceNow }
}

/// The events, appended by the worker threads.
final class HistoryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [HistoryEvent] = []
    let origin = Date()

    var now: Double { Date().timeIntervalSince(origin) }

    /// The wall-clock time of second 0, to match node log lines.
    var originText: String { ISO8601DateFormatter.string(from: origin, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds]) }

    func append(_ event: HistoryEvent) { lock.withLock { events.append(event) } }

    var all: [HistoryEvent] { lock.withLock { events.sorted { $0.start < $1.start } } }
}
