import Foundation

/// What the stages of one connection share at run time: its name, the
/// node's store, logger and metrics, the signals that wake its threads, its
/// lane locks, two switches (paused, creates in flight) and its ledger of
/// creates.
///
/// Everything else a stage uses (its plugin instance, script, peer client,
/// failure policy, configuration) is given to that stage's initialiser; see
/// `Connection` (Node/), where the stages are built. Thread: any; the
/// switches are guarded.
final class ConnectionContext: @unchecked Sendable {
    let name: String
    let store: Store
    let logger: Logger
    let metrics: Metrics
    /// Wakes the lane workers: new inbox or pending work.
    let work = WorkSignal()
    /// Wakes the peer sender: new outbox rows, or a resume.
    let sendSignal = WorkSignal()
    let locks = LaneLocks()

    let creates: CreateLedger

    private let lock = NSLock()
    private var paused: Bool
    private var creating = 0

    init(name: String, store: Store, logger: Logger, metrics: Metrics, paused: Bool = false,
         creates: CreateLedger = CreateLedger(inboxBefore: 0)) {
        self.name = name
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.paused = paused
        self.creates = creates
    }

    /// A paused connection keeps noticing, scripting and queueing; it only
    /// holds back what it sends, and delivers it on resume.
    var isPaused: Bool { lock.withLock { paused } }

    func setPaused(_ value: Bool) {
        lock.withLock { paused = value }
        sendSignal.signal()
    }

    /// First-sync creates in flight. While any is, new local entities wait,
    /// so the webhook of an entity we are creating cannot race its twin record.
    var createsInFlight: Int { lock.withLock { creating } }

    func beginCreate() { lock.withLock { creating += 1 } }
    func endCreate() { lock.withLock { creating -= 1 } }
}
