import Foundation

/// Wakes idle workers when new work is stored, instead of them polling the store.
///
/// `wait` returns on a signal or after the timeout, whichever is first, so
/// deferred work (a retry whose time has come) is still picked up.
final class WorkSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    func signal() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    func wait(timeoutSeconds: Double) {
        condition.lock()
        let seen = generation
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        while generation == seen, condition.wait(until: deadline) {}
        condition.unlock()
    }
}
