/// What became of one work item, for the scheduler and the metrics.
enum StageOutcome: Sendable, Equatable {
    /// Done; the item was removed from its queue.
    case done(String)
    /// Nothing to do (a duplicate, an unchanged replica, an echo); removed.
    case skipped(String)
    /// A transient failure: the item stays and is tried again after `delayMs`.
    case retry(reason: String, delayMs: Int64)
    /// A permanent failure: the lane is parked with `reason`.
    case parked(String)
}
