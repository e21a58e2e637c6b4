import Dispatch
import Foundation
import TandemHTTP
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

    /// The answer of an admin request whose `work` calls `plugin`: the work's
    /// own answer (a thrown `HTTPResponseError` as its response) when it comes
    /// within `seconds`; else 503 saying the plugin is not answering, while the
    /// work goes on and does what it does once the plugin answers.
    static func answer(atMost seconds: Double, plugin: String, doing what: String, name: String,
                       _ work: @escaping @Sendable () throws -> HTTPResponse) -> HTTPResponse {
        let answer = run(atMost: seconds, name: name) { () -> HTTPResponse in
            do {
                return try work()
            } catch let error as HTTPResponseError {
                return error.response
            } catch {
                return .error(500, "\(what) failed: \(error)")
            }
        }
        return answer ?? .error(503, "plugin \(plugin) is not answering: \(what) has waited \(Int(seconds)) s for it "
                                    + "and goes on in the background; see /readyz and `tandem status`, then check the outcome before trying again")
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var value: T?
        func set(_ newValue: T) { lock.withLock { value = newValue } }
        func get() -> T? { lock.withLock { value } }
    }
}
