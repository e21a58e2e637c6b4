#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The server's shared budgets: waiting connections (evicting the one that
/// waited longest), requests in progress per class, and request-body bytes
/// held in memory.
///
/// Invariant: a connection id is in `waiting` only while its socket is open;
/// connections leave before their socket closes (`remove`), which is what
/// lets `admit` shut down a victim's descriptor under the lock safely.
final class ConnectionBudget: Sendable {
    private struct State {
        /// Waiting connections: id → (since, fd).
        var waiting: [Int: (since: UInt64, fd: Int32)] = [:]
        var inProgress: [Int]
        var bufferedBodyBytes = 0
    }

    let classes: [HTTPRequestClass]
    let maxWaiting: Int
    let maxBufferedBodyBytes: Int
    private let state: Mutex<State>

    init(_ configuration: HTTPServerConfiguration) {
        classes = configuration.requestClasses
        maxWaiting = max(1, configuration.maxWaitingConnections)
        // One body of the largest allowed size must always fit when nothing else is held.
        maxBufferedBodyBytes = max(configuration.maxBufferedBodyBytes, configuration.maxBodyBytes)
        state = Mutex(State(inProgress: Array(repeating: 0, count: configuration.requestClasses.count)))
    }

    /// Registers a new connection as waiting; over the limit, shuts down the
    /// connection that has waited longest (its thread then ends).
    func admit(_ id: Int, fd: Int32) {
        state.withLock { state in
            if state.waiting.count >= maxWaiting,
               let oldest = state.waiting.min(by: { $0.value.since < $1.value.since }) {
                state.waiting[oldest.key] = nil
                shutdown(oldest.value.fd, Int32(SHUT_RDWR))
            }
            state.waiting[id] = (monotonicNow(), fd)
        }
    }

    /// The connection waits for its next request again.
    func wait(_ id: Int, fd: Int32) {
        state.withLock { $0.waiting[id] = (monotonicNow(), fd) }
    }

    /// The class index of `path` (the catch-all when none matches); nil when
    /// no class takes it.
    func classIndex(of path: String) -> Int? {
        if let index = classes.firstIndex(where: { $0.pathPrefixes.contains { path.hasPrefix($0) } }) { return index }
        return classes.firstIndex { $0.pathPrefixes.isEmpty }
    }

    /// A complete head arrived: the connection stops waiting and, if its
    /// class has room, the request starts. False when the class is full.
    func startRequest(_ id: Int, classIndex: Int?) -> Bool {
        state.withLock { state in
            state.waiting[id] = nil
            guard let classIndex else { return true }
            guard state.inProgress[classIndex] < classes[classIndex].maxInProgress else { return false }
            state.inProgress[classIndex] += 1
            return true
        }
    }

    func finishRequest(classIndex: Int?) {
        guard let classIndex else { return }
        state.withLock { $0.inProgress[classIndex] -= 1 }
    }

    /// Reserves `bytes` of body memory; false when that would exceed the cap.
    func reserveBody(_ bytes: Int) -> Bool {
        state.withLock { state in
            guard state.bufferedBodyBytes + bytes <= maxBufferedBodyBytes else { return false }
            state.bufferedBodyBytes += bytes
            return true
        }
    }

    func releaseBody(_ bytes: Int) {
        guard bytes > 0 else { return }
        state.withLock { $0.bufferedBodyBytes -= bytes }
    }

    /// The connection is closing: it leaves every budget.
    func remove(_ id: Int) {
        state.withLock { $0.waiting[id] = nil }
    }

    /// (waiting connections, body bytes held) for tests and diagnostics.
    var snapshot: (waiting: Int, bufferedBodyBytes: Int) {
        state.withLock { ($0.waiting.count, $0.bufferedBodyBytes) }
    }
}
