import Foundation
import Synchronization
import TandemThreads
import TandemTime

/// Keeps the history table bounded: every `intervalSeconds` it deletes
/// events older than the configured age and, per entity, all but the newest
/// configured count (`node.history`).
///
/// A pass reads only the oldest events and the entities that got events
/// since the previous pass (`StoreTransaction.pruneHistory`), so its cost
/// follows the traffic, not the size of the table; the first pass after a
/// start looks at every entity once. A pass is bounded; when it leaves work
/// (after a bulk import, say) the next follows after `catchUpPause`, so the
/// store is never held for long and the backlog still clears in seconds.
///
/// Thread: one worker thread; each pass is one short write transaction.
final class HistoryPruner: @unchecked Sendable {
    private let store: Store
    private let retention: NodeConfig.History
    private let logger: Logger
    private let metrics: Metrics
    private let intervalSeconds: Double
    private let wake = WorkSignal()
    private let threads = WorkerGroup(name: "tandem.history-pruner")
    /// The newest event id the last pass saw, and whether it left work (only
    /// the pruner thread, or a test, runs passes).
    private let pruned = Mutex<(newest: Int64, more: Bool)>((0, false))
    /// Between passes that catch up: the store's other users get their turn.
    static let catchUpPause = 0.1

    init(store: Store, retention: NodeConfig.History, logger: Logger, metrics: Metrics = Metrics(), intervalSeconds: Double = 60) {
        self.store = store
        self.retention = retention
        self.logger = logger
        self.metrics = metrics
        self.intervalSeconds = intervalSeconds
    }

    func start() {
        threads.start { [self] _ in
            while true {
                // Marked before the check of the flag: a stop after it ends the wait at once.
                let mark = wake.mark()
                guard threads.isRunning else { return }
                pruneOnce()
                wake.wait(since: mark, timeoutSeconds: behind ? Self.catchUpPause : intervalSeconds)
            }
        }
    }

    func stop() {
        threads.stop { wake.signal() }
    }

    /// Whether the last pass left work for another at once.
    var behind: Bool { pruned.withLock { $0.more } }

    /// One pass; returns the number of events deleted.
    @discardableResult
    func pruneOnce(now: Int64 = Timestamp.now()) -> Int {
        let cutoff = now - Int64(retention.maxAgeDays * 86_400_000)
        do {
            let since = pruned.withLock { $0.newest }
            let pass = try store.write { try $0.pruneHistory(olderThan: cutoff, keepPerEntity: retention.maxEventsPerEntity, since: since) }
            pruned.withLock { $0 = (pass.newest, pass.more) }
            metrics.increment("tandem_history_prune_passes_total", ["left": pass.more ? "work" : "none"])
            return pass.deleted
        } catch {
            logger.error("cannot prune the entity history: \(error)")
            pruned.withLock { $0.more = false }  // tried again after the interval, not at once
            return 0
        }
    }
}
