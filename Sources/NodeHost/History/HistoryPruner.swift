import Foundation
import TandemTime

/// Keeps the history table bounded: every `intervalSeconds` it deletes
/// events older than the configured age and, per entity, all but the newest
/// configured count (`node.history`). The first pass reads the whole table;
/// later ones only the events since the pass before.
///
/// Thread: one plain thread; each pass is one short write transaction.
final class HistoryPruner: @unchecked Sendable {
    private let store: Store
    private let retention: NodeConfig.History
    private let logger: Logger
    private let intervalSeconds: Double
    private let signal = WorkSignal()
    private let state = NSLock()
    private var running = false
    private let finished = NSCondition()
    private var started = false
    private var exited = false
    /// The newest event id the last pass saw: later passes read only what
    /// came after it, so a pass costs what changed, not the whole history.
    private var prunedThrough: Int64?

    init(store: Store, retention: NodeConfig.History, logger: Logger, intervalSeconds: Double = 60) {
        self.store = store
        self.retention = retention
        self.logger = logger
        self.intervalSeconds = intervalSeconds
    }

    func start() {
        state.withLock { running = true; started = true }
        let thread = Thread { [self] in
            while state.withLock({ running }) {
                pruneOnce()
                signal.wait(timeoutSeconds: intervalSeconds)
            }
            finished.lock(); exited = true; finished.broadcast(); finished.unlock()
        }
        thread.name = "tandem.history-pruner"
        thread.start()
    }

    func stop() {
        guard state.withLock({ running = false; return started }) else { return }
        signal.signal()
        finished.lock()
        while !exited { finished.wait() }
        finished.unlock()
    }

    /// One pass; returns the number of events deleted.
    @discardableResult
    func pruneOnce(now: Int64 = Timestamp.now()) -> Int {
        let cutoff = now - Int64(retention.maxAgeDays * 86_400_000)
        do {
            let (deleted, newest) = try store.write { tx in
                let newest = try tx.newestHistoryID()
                let deleted = try prunedThrough.map { try tx.pruneHistory(olderThan: cutoff, keepPerEntity: retention.maxEventsPerEntity, after: $0) }
                    ?? tx.pruneHistory(olderThan: cutoff, keepPerEntity: retention.maxEventsPerEntity)
                return (deleted, newest)
            }
            prunedThrough = newest
            return deleted
        } catch {
            logger.error("cannot prune the entity history: \(error)")
            return 0
        }
    }
}
