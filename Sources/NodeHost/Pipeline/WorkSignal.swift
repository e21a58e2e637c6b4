import Foundation

/// Wakes idle workers when new work is stored, instead of them polling the store.
///
/// A count of signals (an event count). A waiter takes a `mark` BEFORE it
/// looks for work and waits `since` that mark, so a signal sent while it was
/// looking (or running a poll) is never lost: the wait then returns at once.
/// `wait` also returns after the timeout, so deferred work (a retry whose
/// time has come) is still picked up.
final class WorkSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    func signal() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The signals sent so far; pass it to `wait(since:timeoutSeconds:)`.
    func mark() -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// A pause that a signal sent from now on ends early.
    func wait(timeoutSeconds: Double) {
        wait(since: mark(), timeoutSeconds: timeoutSeconds)
    }

    /// Returns when a signal was sent after `mark` was taken (at once if one
    /// already was), or after `timeoutSeconds`.
    func wait(since mark: UInt64, timeoutSeconds: Double) {
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        while generation == mark, condition.wait(until: deadline) {}
        condition.unlock()
    }
}
