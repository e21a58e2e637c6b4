import Dispatch
import Foundation
import Synchronization
import TandemThreads
#if canImport(Glibc)
import Glibc
#endif

/// Both ends of a plugin host's socketpair: sends requests and waits for
/// their responses (matched by id, in any order), and answers the other
/// side's requests.
///
/// The same type runs in the node (its handler serves host services) and in
/// the plugin host (its handler calls the plugin), so a host service a plugin
/// calls in the middle of an operation is just a request the other way.
///
/// Who reads the socket is a token passed between threads (leader and
/// followers), so that a small round trip wakes one thread on each side:
/// - a thread waiting for a response reads the socket itself when nobody
///   else does, and hands a response meant for another waiter to it; when
///   its own comes, it passes the reading on to another waiter, if any;
/// - `.callers` (the node): nobody else reads. A request from the other
///   side read by a waiting caller runs on a worker thread. Between calls
///   the socket is unread: the child's log lines wait there for the next
///   call, and its death is seen by the next call. A request sent while
///   others are in flight also rings the doorbell, if there is one.
/// - `.workers` (the plugin host): a worker reads whenever no caller does
///   and answers the request it reads on its own thread, reading again once
///   it has answered. With a doorbell, a ring wakes another worker to read
///   on, so requests sent side by side run side by side while a lone
///   request wakes nobody else. Without, the next request waits (the node
///   sends one at a time to a plugin that is not thread-safe, and a host
///   service answer is read by the plugin's own thread).
///
/// Thread: any. Invariant: at most one thread reads (`leading`), and only it
/// touches `reader`; handing the token over goes through `state`.
final class FrameChannel: @unchecked Sendable {
    enum Failure: Error, Sendable, Equatable {
        /// The other side closed the socket or died.
        case closed
        /// No response within the deadline.
        case timedOut
    }

    /// Which threads read the socket when no request of this side waits, and
    /// the doorbell: a byte stream the `.callers` side writes to (non-blocking)
    /// and the `.workers` side reads; this channel closes its end.
    enum Reading: Sendable, Equatable {
        case callers(doorbell: Int32?)
        case workers(doorbell: Int32?)
    }

    typealias Handler = @Sendable (PluginFrame) -> PluginFrame?
    static let maximumWorkers = 64

    private let fd: Int32
    private let handler: Handler
    private let reading: Reading
    private let writeLock = NSLock()
    private let nextID = Atomic<UInt64>(1)
    /// Guards everything below it; workers wait on it.
    private let state = NSCondition()
    private var waiters: [UInt64: Waiter] = [:]
    private var leading = false
    private var closed = false
    private var queue: [PluginFrame] = []
    private var idleWorkers = 0
    private var workers = 0
    private var name = "tandem.plugin-channel"
    private var reader: BufferedReader
    /// Runs once when a reader sees the other side go away.
    private let onClose: @Sendable () -> Void

    init(fd: Int32, reading: Reading, handler: @escaping Handler, onClose: @escaping @Sendable () -> Void = {}) {
        self.fd = fd
        self.reading = reading
        self.handler = handler
        self.onClose = onClose
        reader = BufferedReader(fd: fd)
    }

    deinit {
        Glibc.close(fd)
        if let bell = doorbell { Glibc.close(bell) }
    }

    private var doorbell: Int32? {
        switch reading {
        case .callers(let bell), .workers(let bell): return bell
        }
    }

    /// With `.workers`, starts the first worker, which reads, and the thread
    /// that answers the doorbell; call once.
    func start(name: String) {
        state.withLock { self.name = name }
        guard case .workers(let bell) = reading else { return }
        state.withLock { spawnWorker() }
        if let bell {
            // Returns when the channel closes (see answerDoorbell); never joined.
            let ringer = WorkerThread.start(name: "\(name).doorbell", detached: true) { [self] in answerDoorbell(bell) }
            precondition(ringer != nil, "cannot start the doorbell thread of \(name): the system refused (errno \(errno))")
        }
    }

    /// Sends `operation` and waits for the response.
    func request(_ operation: String, json: [UInt8], blob: [UInt8] = [], timeoutMs: Int64? = nil) throws(Failure) -> PluginFrame {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let waiter = Waiter()
        let others: Int? = state.withLock {
            guard !closed else { return nil }
            waiters[id] = waiter
            return waiters.count - 1
        }
        guard let others else { throw .closed }
        guard write(PluginFrame(id: id, kind: .request, operation: operation, json: json, blob: blob)) else {
            state.withLock { forget(id, waiter) }
            throw .closed
        }
        if others > 0, case .callers(let bell?) = reading {
            // The other side may be answering one of the others on its reading
            // thread: make it read on. A full pipe is a bell already ringing.
            var ring: UInt8 = 1
            _ = Glibc.write(bell, &ring, 1)
        }
        let deadline: DispatchTime = timeoutMs.map { .now() + .milliseconds(Int(clamping: $0)) } ?? .distantFuture
        state.lock()
        defer { state.unlock() }
        while true {
            if let response = waiter.response { return response }
            if closed { throw .closed }
            if waiter.promoted || !leading {
                // This thread reads until its own response comes.
                waiter.promoted = false
                leading = true
                while true {
                    state.unlock()
                    let outcome = reader.nextFrame(until: deadline)
                    state.lock()
                    switch outcome {
                    case .frame(let frame) where frame.kind == .response && frame.id == id:
                        waiters[id] = nil
                        passReading()
                        return frame
                    case .frame(let frame):
                        take(frame)
                    case .timedOut:
                        waiters[id] = nil
                        passReading()
                        throw .timedOut
                    case .end:
                        shutDown()
                        state.unlock()
                        onClose()
                        state.lock()
                        throw .closed
                    }
                }
            }
            state.unlock()
            let waited = waiter.semaphore.wait(timeout: deadline)
            state.lock()
            if waited == .timedOut && waiter.response == nil && !closed {
                forget(id, waiter)
                throw .timedOut
            }
        }
    }

    /// Sends a request that wants no response (a log line).
    func notify(_ operation: String, json: [UInt8]) {
        _ = write(PluginFrame(id: 0, kind: .request, operation: operation, json: json))
    }

    /// Shuts the socket: the other side sees the end, waiting requests fail with `.closed`.
    func close() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
        // With `.callers`, nobody may be reading to see the end: idle workers end here.
        state.withLock { shutDown() }
    }

    private func write(_ frame: PluginFrame) -> Bool {
        let bytes = frame.encoded()
        return writeLock.withLock {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }
    }

    // MARK: - Handing over (all with `state` held)

    /// Drops a waiter that gives up; if the reading had just been passed to it, passes it on.
    private func forget(_ id: UInt64, _ waiter: Waiter) {
        waiters[id] = nil
        if waiter.promoted {
            waiter.promoted = false
            passReading()
        }
    }

    /// The reader lets go: to a waiter still without its response, else (with
    /// `wakingWorkers`) to a worker, else to nobody until a thread wants to read.
    private func passReading(wakingWorkers: Bool = true) {
        if let next = waiters.values.first(where: { $0.response == nil && !$0.promoted }) {
            next.promoted = true
            next.semaphore.signal()
            return
        }
        leading = false
        guard wakingWorkers, case .workers = reading else { return }
        state.signal()
    }

    /// Wakes a worker to read whenever the other side rings while nobody reads.
    private func answerDoorbell(_ bell: Int32) {
        var rings = [UInt8](repeating: 0, count: 64)
        while true {
            let got = rings.withUnsafeMutableBytes { Glibc.read(bell, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return }
            let over = state.withLock { () -> Bool in
                guard !closed else { return true }
                if !leading {
                    if idleWorkers > 0 { state.signal() } else { spawnWorker() }
                }
                return false
            }
            if over { return }
        }
    }

    /// A frame the reader read for someone else: a response to its waiter, a request to a worker.
    private func take(_ frame: PluginFrame) {
        switch frame.kind {
        case .response:
            if let waiter = waiters.removeValue(forKey: frame.id) {
                waiter.response = frame
                waiter.semaphore.signal()
            }
        case .request:
            queue.append(frame)
            if idleWorkers == 0 { spawnWorker() } else { state.signal() }
        }
    }

    /// The other side is gone: every waiter fails, every worker ends. Idempotent.
    private func shutDown() {
        closed = true
        leading = false
        for waiter in waiters.values { waiter.semaphore.signal() }
        waiters = [:]
        queue = []
        state.broadcast()
    }

    private func spawnWorker() {
        guard workers < Self.maximumWorkers else { return }
        // Workers return when the channel closes; never joined.
        guard WorkerThread.start(name: "\(name).worker", detached: true, { [self] in workLoop() }) != nil else {
            return  // the system refused a thread: the workers already running take the queue
        }
        workers += 1
    }

    // MARK: - Workers

    /// Runs queued requests; with `.workers`, also reads when nobody does and answers what it reads.
    private func workLoop() {
        let reads: Bool
        switch reading {
        case .callers: reads = false
        case .workers: reads = true
        }
        state.lock()
        while true {
            idleWorkers += 1
            while !closed && queue.isEmpty && (!reads || leading) { state.wait() }
            idleWorkers -= 1
            if closed { break }
            let request: PluginFrame
            if !queue.isEmpty {
                request = queue.removeFirst()
            } else {
                leading = true
                var next: PluginFrame?
                while next == nil {
                    state.unlock()
                    let outcome = reader.nextFrame(until: .distantFuture)
                    state.lock()
                    switch outcome {
                    case .frame(let frame) where frame.kind == .request:
                        next = frame
                    case .frame(let frame):
                        take(frame)
                    case .timedOut, .end:
                        shutDown()
                        workers -= 1
                        state.unlock()
                        onClose()
                        return
                    }
                }
                request = next!
                // This worker reads again once it has answered; the doorbell wakes another meanwhile.
                passReading(wakingWorkers: false)
            }
            state.unlock()
            answer(request)
            state.lock()
        }
        workers -= 1
        state.unlock()
    }

    private func answer(_ frame: PluginFrame) {
        guard let response = handler(frame), frame.id != 0 else { return }
        var answer = response
        answer.id = frame.id
        answer.kind = .response
        _ = write(answer)
    }

    private final class Waiter: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        /// Set (under the channel's `state`) when the reader hands the response over.
        var response: PluginFrame?
        /// Set (under `state`) when the reading is passed to this waiter.
        var promoted = false
    }
}

/// Reads whole frames from a socket through a buffer, so a small frame costs
/// one `read`. A frame cut off by a deadline stays buffered for the next reader.
private struct BufferedReader {
    enum Outcome {
        case frame(PluginFrame)
        /// The end of the stream, a read error or a malformed header.
        case end
        case timedOut
    }

    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32) { self.fd = fd }

    /// The next frame, waiting for its bytes until `deadline`.
    mutating func nextFrame(until deadline: DispatchTime) -> Outcome {
        if let failure = fill(PluginFrame.headerSize, until: deadline) { return failure }
        let header = buffer.withUnsafeBytes { PluginFrame.Header(UnsafeRawBufferPointer(rebasing: $0[start..<(start + PluginFrame.headerSize)])) }
        guard let header else { return .end }
        if let failure = fill(PluginFrame.headerSize + header.payloadLength, until: deadline) { return failure }
        let payloadStart = start + PluginFrame.headerSize
        let frame = PluginFrame(header, payload: buffer[payloadStart..<(payloadStart + header.payloadLength)])
        start = payloadStart + header.payloadLength
        if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        return .frame(frame)
    }

    /// Reads until `count` unread bytes are buffered; nil once they are.
    private mutating func fill(_ count: Int, until deadline: DispatchTime) -> Outcome? {
        if start > 0 && buffer.count - start < count {
            buffer.removeFirst(start)
            start = 0
        }
        while buffer.count - start < count {
            if deadline != .distantFuture {
                let now = DispatchTime.now().uptimeNanoseconds
                guard deadline.uptimeNanoseconds > now else { return .timedOut }
                let waitMs = Int32(clamping: (deadline.uptimeNanoseconds - now + 999_999) / 1_000_000)
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let polled = poll(&ready, 1, waitMs)
                if polled < 0 && errno == EINTR { continue }
                if polled == 0 { continue }  // the deadline check above decides
                guard polled > 0 else { return .end }
            }
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return .end }
            buffer += chunk[0..<got]
        }
        return nil
    }
}
