import Dispatch
import Foundation
import TandemThreads

/// Runs work that calls a plugin on a thread of its own and waits for it at
/// most a bounded time, so an admin request answers even while a plugin call
/// hangs. Work that finishes late still finishes (and does what it does);
/// only its answer is lost.
enum BoundedWait {
    /// The work's result, or nil when it had not finished after `seconds`.
    static func run<T: Sendable>(atMost seconds: Double, name: String, _ work: @escaping @Sendable () -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        let started = WorkerThread.start(name: name, detached: true) {
            let value = work()
            box.set(value)
            done.signal()
        }
        guard started != nil else { return work() }  // no thread to spare: answer late rather than never
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return box.get()
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: T?
        func set(_ newValue: T) { lock.withLock { value = newValue } }
        func get() -> T? { lock.withLock { value } }
    }
}
