import Foundation

/// The threads of one pipeline component (workers, the sender, the poller):
/// a running flag they check, and a count of those still alive, so a node can
/// ask every component to stop first and then wait for all of them against
/// one deadline.
///
/// A thread still inside a tracker or peer call at the deadline is left to
/// the process exit: every step commits its effects in one store transaction,
/// so an abandoned step is retried at the next start, as after a crash.
final class WorkerThreads: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = false
    private var alive = 0

    var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    /// Starts `body` on a new thread; it should return soon after `isRunning` turns false.
    func spawn(name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        condition.lock()
        running = true
        alive += 1
        condition.unlock()
        let thread = Thread { [self] in
            body()
            condition.lock()
            alive -= 1
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }

    /// Clears the running flag; the caller then wakes the threads' signal.
    func requestStop() {
        condition.lock()
        running = false
        condition.unlock()
    }

    /// Waits until every thread returned or `deadline` passed; true when all returned.
    @discardableResult
    func waitExited(until deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while alive > 0 {
            if !condition.wait(until: deadline) { return alive == 0 }
        }
        return true
    }

    var aliveCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return alive
    }
}
