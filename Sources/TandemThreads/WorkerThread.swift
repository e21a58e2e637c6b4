#if canImport(Glibc)
import Glibc
#endif

/// One named POSIX thread running one body: the single way the node, the HTTP
/// server and the simulators start threads.
///
/// Plain threads, never Swift's cooperative pool: the bodies block on
/// sockets, SQLite and plugin calls. A joinable thread must be joined exactly
/// once, by another thread; a detached one cleans up after itself.
public struct WorkerThread: Sendable {
    /// The thread's id, for `pthread_equal` against `pthread_self()`.
    public let id: pthread_t
    private let joinable: Bool

    /// Starts `body` on a new thread. `name` shows in `top -H` and debuggers,
    /// cut to the 15 bytes Linux keeps. Nil when the system refuses a thread
    /// (out of memory or over its thread limit).
    public static func start(name: String, detached: Bool = false, stackSize: Int = 8 << 20,
                             _ body: @escaping @Sendable () -> Void) -> WorkerThread? {
        final class Box {
            let name: String
            let body: @Sendable () -> Void
            init(_ name: String, _ body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, detached ? Int32(PTHREAD_CREATE_DETACHED) : Int32(PTHREAD_CREATE_JOINABLE))
        let context = Unmanaged.passRetained(Box(name, body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            let name = box.name.utf8.prefix(15).map { CChar(bitPattern: $0) } + [0]
            _ = WorkerThread.setThreadName?(pthread_self(), name)
            box.body()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        return WorkerThread(id: thread, joinable: !detached)
    }

    /// glibc's `pthread_setname_np`, which Swift's Glibc module does not
    /// declare (it is a GNU extension); looked up once, nil if absent.
    private static let setThreadName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
    }()

    /// Waits until the body returns. Never call it from the thread itself.
    public func join() {
        precondition(joinable, "a detached thread cannot be joined")
        precondition(pthread_equal(id, pthread_self()) == 0, "a thread cannot join itself")
        pthread_join(id, nil)
    }
}
