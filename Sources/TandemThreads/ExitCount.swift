#if canImport(Glibc)
import Glibc
#endif

/// How many of a group's threads are still inside their body, with a
/// bounded wait for none: a stop must return on time even when a thread is
/// stuck in a call that never returns.
///
/// A POSIX mutex and condition on the monotonic clock (a wall-clock jump
/// neither shortens nor stretches the wait); allocated once, never moved.
final class ExitCount: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var alive = 0

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    var count: Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return alive
    }

    func enter() {
        pthread_mutex_lock(mutex)
        alive += 1
        pthread_mutex_unlock(mutex)
    }

    func leave() {
        pthread_mutex_lock(mutex)
        alive -= 1
        if alive == 0 { pthread_cond_broadcast(condition) }
        pthread_mutex_unlock(mutex)
    }

    /// Waits until no thread is alive or `seconds` passed; true when none is.
    func waitNone(timeoutSeconds seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let bounded = max(0, min(seconds, 86_400 * 365))
        let nanoseconds = Int(deadline.tv_nsec) + Int((bounded - bounded.rounded(.down)) * 1e9)
        deadline.tv_sec += Int(bounded.rounded(.down)) + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while alive > 0 {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { return alive == 0 }
        }
        return true
    }
}
