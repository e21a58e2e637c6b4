#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Long-lived worker threads that loop until stopped: the start and
/// stop-and-join every background loop needs (sender, poller, lane workers,
/// webhook delivery).
///
/// A body loops `while group.isRunning`, sleeping on its own signal when idle.
/// `stop(wake:)` clears `isRunning` first, then calls `wake` so sleepers look
/// again, then joins every thread: when it returns, no body is running. A
/// body that sleeps under a lock must be woken under that same lock, or it
/// may miss the wake and sleep until its own timeout.
///
/// A stop that must be prompt whatever the bodies are doing (a node's
/// SIGTERM) asks every group first (`requestStop`, then its own wake), then
/// waits for each against one deadline (`waitExited`): a thread still inside
/// a call that does not return is left to the process exit.
public final class WorkerGroup: Sendable {
    private let name: String
    private let running = Atomic<Bool>(false)
    private let threads = Mutex<[WorkerThread]>([])
    private let exits = ExitCount()

    /// `name` is the threads' name; with more than one thread each gets its index appended.
    public init(name: String) { self.name = name }

    /// Whether the group was started and not yet told to stop.
    public var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Starts `count` threads, each running `body(index)`. Traps when the
    /// system refuses a thread: a node without its workers cannot run.
    public func start(count: Int = 1, _ body: @escaping @Sendable (_ index: Int) -> Void) {
        threads.withLock { threads in
            precondition(threads.isEmpty, "\(name) started twice")
            running.store(true, ordering: .releasing)
            for index in 0..<count {
                exits.enter()
                guard let thread = WorkerThread.start(name: count == 1 ? name : "\(name)\(index)", { [exits] in
                    body(index)
                    exits.leave()
                }) else {
                    preconditionFailure("cannot start thread \(name)\(index): the system refused (errno \(errno))")
                }
                threads.append(thread)
            }
        }
    }

    /// Clears `isRunning`; the caller then wakes the bodies' own signal.
    public func requestStop() {
        running.store(false, ordering: .releasing)
    }

    /// How many bodies have not returned yet.
    public var aliveCount: Int { exits.count }

    /// Waits until every body returned or `timeoutSeconds` passed. True when
    /// all returned; their threads are then joined. On false the threads
    /// still running are left alone (joined by a later `stop`, or never).
    @discardableResult
    public func waitExited(timeoutSeconds: Double) -> Bool {
        guard exits.waitNone(timeoutSeconds: timeoutSeconds) else { return false }
        let finished = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in finished { thread.join() }
        return true
    }

    /// Clears `isRunning`, calls `wake`, and waits for every thread to return.
    /// Does nothing when the group is not running.
    public func stop(wake: () -> Void = {}) {
        let started = threads.withLock { threads in
            defer { threads = [] }
            running.store(false, ordering: .releasing)
            return threads
        }
        guard !started.isEmpty else { return }
        wake()
        for thread in started { thread.join() }
    }
}
