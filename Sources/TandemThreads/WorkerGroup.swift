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
public final class WorkerGroup: Sendable {
    private let name: String
    private let running = Atomic<Bool>(false)
    private let threads = Mutex<[WorkerThread]>([])

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
                guard let thread = WorkerThread.start(name: count == 1 ? name : "\(name)\(index)", { body(index) }) else {
                    preconditionFailure("cannot start thread \(name)\(index): the system refused (errno \(errno))")
                }
                threads.append(thread)
            }
        }
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
