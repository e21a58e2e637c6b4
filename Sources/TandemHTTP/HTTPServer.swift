#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TandemThreads

/// An HTTP/1.1 server: one accept thread plus one thread per connection.
///
/// Why thread-per-connection: handlers are synchronous and may block (the
/// simulators inject latency and deliver webhooks), so an event loop would
/// need a worker pool and a hand-off per request anyway. A dedicated thread
/// blocked in `recv` costs one wake-up per request and no hand-off, which on
/// this 2-core machine beats a loop plus pool for keep-alive traffic; the
/// connection cap bounds the threads, and the waiting-connection cap with
/// its oldest-first eviction keeps idle floods from holding them. Stacks are 8 MiB like the main thread
/// (address space only; handlers parse JSON nested 512 deep recursively). No work runs on
/// Swift's cooperative pool.
///
/// With `configuration.tls` the server speaks HTTPS only (OpenSSL, TLS 1.2+).
///
/// Limits and their answers (each closes the connection after answering):
/// request line over `maxHeaderBytes` → 414; head over it → 431; body over
/// `maxBodyBytes` → 413 (before reading it); head not complete in
/// `headerTimeoutSeconds` → 408; body not complete in `bodyTimeoutSeconds`
/// → 408; connections beyond `maxConnections` → 503; a request class at its
/// `maxInProgress`, or a body beyond `maxBufferedBodyBytes` held → 503 with
/// Retry-After; the admission hook's refusal → its response, body unread;
/// malformed → 400 with a JSON `reason`; unknown transfer coding → 501;
/// other HTTP versions → 505. Beyond `maxWaitingConnections`, the connection
/// waiting longest for a request is closed without an answer.
public final class HTTPServer: Sendable {
    private struct State {
        var listener: Int32 = -1
        var port = 0
        var acceptThread: WorkerThread?
        var stopping = false
        /// Open connection sockets by id; a connection removes itself before
        /// closing its socket, so `stop()` never touches a reused descriptor.
        var connections: [Int: Int32] = [:]
        /// The thread serving each connection, once it runs (lets `stop()`
        /// called from a handler skip waiting for its own connection).
        var threads: [Int: pthread_t] = [:]
        var nextID = 0
        var tls: TLSServerContext?
    }

    private let configuration: HTTPServerConfiguration
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let state = Mutex(State())
    /// Read by every connection after each request, hence an atomic, not the lock.
    private let stoppingFlag = Atomic<Bool>(false)
    private let budget: ConnectionBudget

    public init(configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.configuration = configuration
        self.handler = handler
        budget = ConnectionBudget(configuration)
    }

    /// Connections waiting for a request and request-body bytes held now.
    public var load: (waitingConnections: Int, bufferedBodyBytes: Int) {
        let snapshot = budget.snapshot
        return (snapshot.waiting, snapshot.bufferedBodyBytes)
    }

    /// The bound port (0 before `start()`).
    public var port: Int { state.withLock { $0.port } }

    /// Number of open connections (for tests and diagnostics).
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// Binds, starts accepting, and returns the bound port. A stopped server
    /// may be started again.
    public func start() throws -> Int {
        guard let address = Socket.resolveIPv4(configuration.host) else {
            throw HTTPServerError("cannot resolve listen address '\(configuration.host)'; use an IPv4 address such as 127.0.0.1")
        }
        guard (0...65535).contains(configuration.port) else {
            throw HTTPServerError("port \(configuration.port) is out of range 0...65535")
        }
        guard state.withLock({ $0.listener < 0 && $0.acceptThread == nil }) else {
            throw HTTPServerError("the server is already running on port \(port); stop it first")
        }
        let tls = try configuration.tls.map { files throws(HTTPServerError) in try TLSServerContext(files) }
        FileLimit.raise(toAtLeast: configuration.maxConnections + 256)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw HTTPServerError("cannot create a socket: \(Socket.errorText(errno))") }
        Socket.setOption(listener, SOL_SOCKET, SO_REUSEADDR, 1)
        var bindAddress = sockaddr_in()
        bindAddress.sin_family = sa_family_t(AF_INET)
        bindAddress.sin_port = in_port_t(UInt16(configuration.port).bigEndian)
        bindAddress.sin_addr = address
        let bound = withUnsafePointer(to: &bindAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1024) == 0 else {
            let reason = Socket.errorText(errno)
            close(listener)
            throw HTTPServerError("cannot listen on \(configuration.host):\(configuration.port): \(reason); pick another port or use 0 for a free one")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: actual.sin_port))
        let claimed = state.withLock { state -> Bool in
            guard state.listener < 0 && state.acceptThread == nil else { return false }   // a concurrent start() won
            state.listener = listener
            state.port = port
            state.stopping = false
            state.tls = tls
            return true
        }
        guard claimed else {
            close(listener)
            throw HTTPServerError("the server is already running; stop it first")
        }
        stoppingFlag.store(false, ordering: .relaxed)
        guard let thread = WorkerThread.start(name: "http-accept", { [self] in acceptLoop(listener) }) else {
            close(listener)
            throw HTTPServerError("cannot start the accept thread")
        }
        state.withLock { $0.acceptThread = thread }
        return port
    }

    /// Closes the listener and every connection and waits for their threads.
    public func stop() {
        stoppingFlag.store(true, ordering: .relaxed)
        let me = pthread_self()
        /// Connections other than the caller's own (a handler may call `stop()`;
        /// its connection finishes its response and then closes).
        func others(_ state: State) -> [Int32] {
            state.connections.compactMap { id, fd in
                state.threads[id].map { pthread_equal($0, me) != 0 } == true ? nil : fd
            }
        }
        let (listener, thread) = state.withLock { state -> (Int32, WorkerThread?) in
            let result = (state.listener, state.acceptThread)
            state.stopping = true
            state.acceptThread = nil
            state.listener = -1
            for fd in others(state) { shutdown(fd, Int32(SHUT_RDWR)) }
            return result
        }
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }
        thread?.join()
        if listener >= 0 { close(listener) }
        // Connection threads end once their socket is shut down; a handler
        // still running delays this until it returns.
        while state.withLock({ state in
            let remaining = others(state)
            for fd in remaining { shutdown(fd, Int32(SHUT_RDWR)) }
            return !remaining.isEmpty
        }) {
            usleep(1000)
        }
    }

    deinit { stop() }

    private func acceptLoop(_ listener: Int32) {
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener, $0, &length)
                }
            }
            if fd < 0 {
                if state.withLock({ $0.stopping }) { return }
                switch errno {
                case EINTR, ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM: usleep(10_000); continue   // out of resources: back off
                default: return
                }
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)   // accept4 is not exported to Swift
            Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let admitted: (Int, TLSServerContext?)? = state.withLock { state in
                guard !state.stopping, state.connections.count < configuration.maxConnections else { return nil }
                let id = state.nextID
                state.nextID += 1
                state.connections[id] = fd
                return (id, state.tls)
            }
            guard let (id, tls) = admitted else {
                if state.withLock({ $0.tls }) == nil { rejectOverCapacity(fd) } else { close(fd) }
                continue
            }
            budget.admit(id, fd: fd)
            let remote = Socket.describe(peer)
            let started = WorkerThread.start(name: "http-connection", detached: true) { [self] in
                state.withLock { $0.threads[id] = pthread_self() }
                ServerConnection(id: id, fd: fd, remoteAddress: remote, configuration: configuration, budget: budget, tls: tls,
                                 handler: handler, isStopping: { [self] in stoppingFlag.load(ordering: .relaxed) }).run()
                finish(id, fd)
            }
            if started == nil {
                finish(id, fd)
            }
        }
    }

    private func finish(_ id: Int, _ fd: Int32) {
        budget.remove(id)
        state.withLock {
            $0.connections[id] = nil
            $0.threads[id] = nil
        }
        close(fd)
    }

    /// Over the cap: answer 503 without a thread. Reads what already arrived
    /// (so closing does not reset the connection before the answer is read),
    /// writes, and closes.
    private func rejectOverCapacity(_ fd: Int32) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        var writer = ResponseWriter()
        _ = writer.serialize(.error(503, "the server has \(configuration.maxConnections) open connections, its limit; retry later"),
                             minorVersion: 1, keepAlive: false, includeBody: true)
        _ = writer.buffer.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }
}
