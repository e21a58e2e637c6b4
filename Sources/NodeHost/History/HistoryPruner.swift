import Foundation
import TandemTime

/// Keeps the history table bounded: every `intervalSeconds` it deletes
/// events older than the configured age and, per entity, all but the newest
/// configured count (`node.history`).
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
            return try store.write { try $0.pruneHistory(olderThan: cutoff, keepPerEntity: retention.maxEventsPerEntity) }
        } catch {
            logger.error("cannot prune the entity history: \(error)")
            return 0
        }
    }
}
