import Foundation
import TandemTime

/// Keeps the history table bounded: every `intervalSeconds` it deletes
/// events older than the configured age and, per entity, all but the newest
/// configured count (`node.history`).
///
/// A pass reads only the oldest events and the entities that got events
/// since the previous pass (`StoreTransaction.pruneHistory`), so its cost
/// follows the traffic, not the size of the table; the first pass after a
/// start looks at every entity once.
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
    /// The newest event id the last pass saw (only the pruner thread, or a test, runs passes).
    private var pruned: Int64 = 0

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
            let since = state.withLock { pruned }
            let pass = try store.write { try $0.pruneHistory(olderThan: cutoff, keepPerEntity: retention.maxEventsPerEntity, since: since) }
            state.withLock { pruned = pass.newest }
            return pass.deleted
        } catch {
            logger.error("cannot prune the entity history: \(error)")
            return 0
        }
    }
}
