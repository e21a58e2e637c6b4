import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Both ends of a plugin host's socketpair: sends requests and waits for
/// their responses (matched by id, in any order), and answers the other
/// side's requests on a pool of worker threads.
///
/// The same type runs in the node (its handler serves host services) and in
/// the plugin host (its handler calls the plugin), so a host service a plugin
/// calls in the middle of an operation is just a request the other way.
///
/// Thread: any. One reader thread per channel; requests from the other side
/// run on workers (a new one whenever none is idle, up to `maximumWorkers`),
/// so a long plugin call never holds up the responses it waits for.
final class FrameChannel: @unchecked Sendable {
    enum Failure: Error, Sendable, Equatable {
        /// The other side closed the socket or died.
        case closed
        /// No response within the deadline.
        case timedOut
    }

    typealias Handler = @Sendable (PluginFrame) -> PluginFrame?
    static let maximumWorkers = 64

    private let fd: Int32
    private let handler: Handler
    private let writeLock = NSLock()
    private let nextID = Atomic<UInt64>(1)
    private let waiters = Mutex<[UInt64: Waiter]>([:])
    private let isClosed = Atomic<Bool>(false)
    private let pool = NSCondition()
    private var queue: [PluginFrame] = []
    private var idleWorkers = 0
    private var workers = 0
    /// Runs once when the reader sees the other side go away.
    private let onClose: @Sendable () -> Void

    init(fd: Int32, handler: @escaping Handler, onClose: @escaping @Sendable () -> Void = {}) {
        self.fd = fd
        self.handler = handler
        self.onClose = onClose
    }

    deinit { Glibc.close(fd) }

    /// Starts reading; call once.
    func start(name: String) {
        let reader = Thread { [self] in readLoop() }
        reader.name = name
        reader.start()
    }

    /// Sends `operation` and waits for the response.
    func request(_ operation: String, json: [UInt8], blob: [UInt8] = [], timeoutMs: Int64? = nil) throws(Failure) -> PluginFrame {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let waiter = Waiter()
        waiters.withLock { $0[id] = waiter }
        guard !isClosed.load(ordering: .acquiring),
              write(PluginFrame(id: id, kind: .request, operation: operation, json: json, blob: blob)) else {
            _ = waiters.withLock { $0.removeValue(forKey: id) }
            throw .closed
        }
        let deadline: DispatchTime = timeoutMs.map { .now() + .milliseconds(Int(clamping: $0)) } ?? .distantFuture
        if waiter.semaphore.wait(timeout: deadline) == .timedOut {
            _ = waiters.withLock { $0.removeValue(forKey: id) }
            throw .timedOut
        }
        guard let response = waiter.response else { throw .closed }
        return response
    }

    /// Sends a request that wants no response (a log line).
    func notify(_ operation: String, json: [UInt8]) {
        _ = write(PluginFrame(id: 0, kind: .request, operation: operation, json: json))
    }

    /// Shuts the socket: the other side sees the end, waiting requests fail with `.closed`.
    func close() {
        Glibc.shutdown(fd, Int32(SHUT_RDWR))
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

    // MARK: - Reading

    private func readLoop() {
        var reader = BufferedReader(fd: fd)
        while let frame = reader.nextFrame() {
            switch frame.kind {
            case .response:
                if let waiter = waiters.withLock({ $0.removeValue(forKey: frame.id) }) {
                    waiter.response = frame
                    waiter.semaphore.signal()
                }
            case .request:
                dispatch(frame)
            }
        }
        isClosed.store(true, ordering: .releasing)
        let pending = waiters.withLock { all in defer { all = [:] }; return all.values }
        for waiter in pending { waiter.semaphore.signal() }
        pool.lock(); queue = []; pool.broadcast(); pool.unlock()
        onClose()
    }

    private func dispatch(_ frame: PluginFrame) {
        pool.lock()
        queue.append(frame)
        if idleWorkers == 0 && workers < Self.maximumWorkers {
            workers += 1
            let worker = Thread { [self] in workLoop() }
            worker.name = "tandem.plugin-channel.worker"
            worker.stackSize = 8 << 20
            worker.start()
        }
        pool.signal()
        pool.unlock()
    }

    private func workLoop() {
        while true {
            pool.lock()
            idleWorkers += 1
            while queue.isEmpty && !isClosed.load(ordering: .acquiring) { pool.wait() }
            idleWorkers -= 1
            guard !queue.isEmpty else { workers -= 1; pool.unlock(); return }
            let frame = queue.removeFirst()
            pool.unlock()
            if let response = handler(frame), frame.id != 0 {
                var answer = response
                answer.id = frame.id
                answer.kind = .response
                _ = write(answer)
            }
        }
    }

    private final class Waiter: @unchecked Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        var response: PluginFrame?
    }
}

/// Reads whole frames from a socket through a buffer, so a small frame costs one `read`.
private struct BufferedReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32) { self.fd = fd }

    /// The next frame; nil at the end of the stream or on a malformed header.
    mutating func nextFrame() -> PluginFrame? {
        guard fill(PluginFrame.headerSize) else { return nil }
        let header = buffer.withUnsafeBytes { PluginFrame.Header(UnsafeRawBufferPointer(rebasing: $0[start..<(start + PluginFrame.headerSize)])) }
        guard let header else { return nil }
        guard fill(PluginFrame.headerSize + header.payloadLength) else { return nil }
        let payloadStart = start + PluginFrame.headerSize
        let frame = PluginFrame(header, payload: buffer[payloadStart..<(payloadStart + header.payloadLength)])
        start = payloadStart + header.payloadLength
        if start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        return frame
    }

    /// Reads until `count` unread bytes are buffered; false at the end of the stream.
    private mutating func fill(_ count: Int) -> Bool {
        if start > 0 && buffer.count - start < count {
            buffer.removeFirst(start)
            start = 0
        }
        while buffer.count - start < count {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            buffer += chunk[0..<got]
        }
        return true
    }
}
