#if canImport(Glibc)
import Glibc
#endif

/// Starts a POSIX thread running `body`. The thread is detached unless
/// `joinable`; a joinable thread's id is returned for `pthread_join`.
@discardableResult
func startThread(stackSize: Int = 8 << 20, joinable: Bool = false,
                 _ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    pthread_attr_setdetachstate(&attributes, joinable ? Int32(PTHREAD_CREATE_JOINABLE) : Int32(PTHREAD_CREATE_DETACHED))
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, &attributes, { context in
        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
        return nil
    }, context)
    if result != 0 {
        Unmanaged<Box>.fromOpaque(context).release()
        return nil
    }
    return thread
}
