import Foundation

/// What the stages of one connection share at run time: its name, the
/// node's store, logger and metrics, the signals that wake its threads, its
/// lane locks, two switches (paused, creates in flight) and which creates
/// may have reached the tracker unrecorded.
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

    /// The highest inbox id when this context began. A message at or below
    /// it came before, so a create for it may have been cut short by a crash.
    let inboxBefore: Int64

    private let lock = NSLock()
    private var paused: Bool
    private var creating = 0
    /// Creates called in this context whose twin is not recorded (under way,
    /// or failed after the request left), by correlation id.
    private var unrecordedCreates: Set<String> = []

    init(name: String, store: Store, logger: Logger, metrics: Metrics, paused: Bool = false, inboxBefore: Int64 = 0) {
        self.name = name
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.paused = paused
        self.inboxBefore = inboxBefore
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

    func beginCreate(_ correlation: String) {
        lock.withLock {
            creating += 1
            unrecordedCreates.insert(correlation)
        }
    }

    func endCreate(_ correlation: String, recorded: Bool) {
        lock.withLock {
            creating -= 1
            if recorded { unrecordedCreates.remove(correlation) }
        }
    }

    /// Whether a create with this correlation id may already have reached
    /// the tracker: one was called here and its twin not recorded, or the
    /// lane's oldest message (`inboxID`) came before this context began.
    func mayHaveCreated(_ correlation: String, inboxID: Int64) -> Bool {
        inboxID <= inboxBefore || lock.withLock { unrecordedCreates.contains(correlation) }
    }
}
