import Foundation

/// Which first-sync creates may have reached the tracker without their twin
/// being recorded, so that only those cost a correlation `lookup`
/// (`EntityCreator`): a create is looked up when its lane's oldest message
/// came before the node started (a crash may have cut it short), or when
/// one was tried since and its twin is not recorded (an answer lost, or a
/// failure after the request left).
///
/// One per node, shared by its connections (correlation ids name the
/// connection) and living as long as the node: a connection a reload
/// rebuilds must still look up the creates its old workers tried.
/// Thread: any; guarded.
final class CreateLedger: @unchecked Sendable {
    /// The highest inbox id when the node started.
    let inboxBefore: Int64
    private let lock = NSLock()
    /// Creates tried whose twin is not recorded, by correlation id.
    private var unrecorded: Set<String> = []

    init(inboxBefore: Int64) {
        self.inboxBefore = inboxBefore
    }

    /// Before the create request leaves.
    func tried(_ correlation: String) {
        lock.withLock { _ = unrecorded.insert(correlation) }
    }

    /// Once the new entity's twin is committed.
    func recorded(_ correlation: String) {
        lock.withLock { _ = unrecorded.remove(correlation) }
    }

    /// Whether a create with this correlation id may already have reached the
    /// tracker; `inboxID` is the id of its lane's oldest message.
    func mayHaveCreated(_ correlation: String, inboxID: Int64) -> Bool {
        inboxID <= inboxBefore || lock.withLock { unrecorded.contains(correlation) }
    }
}
