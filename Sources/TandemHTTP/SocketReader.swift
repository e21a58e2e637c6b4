#if canImport(Glibc)
import Glibc
#endif

/// A receive buffer over one socket, shared by the server and the client.
///
/// Invariant: `0 <= start <= end <= capacity`; bytes `[start, end)` were
/// received and not yet consumed. The buffer is allocated once per connection
/// and reused for every request on it.
final class SocketReader {
    let stream: ByteStream
    let storage: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var start = 0
    var end = 0

    init(stream: ByteStream, capacity: Int) {
        self.stream = stream
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var available: Int { end - start }

    /// Moves the unconsumed bytes to the front of the buffer.
    func compact() {
        guard start > 0 else { return }
        if end > start { memmove(storage, storage + start, end - start) }
        end -= start
        start = 0
    }

    /// Receives more bytes, waiting at most `timeoutSeconds` (the server's
    /// wait for the next request). On a plain socket this is one blocking
    /// `recv` limited by SO_RCVTIMEO, which the caller has set to the same value.
    func fillBlocking(timeoutSeconds: Double) -> ReadOutcome {
        guard stream.supportsBlockingReceive else { return fill(until: .after(seconds: timeoutSeconds)) }
        if end == capacity { compact() }
        while true {
            let count = recv(stream.fd, storage + end, capacity - end, 0)
            if count > 0 { end += count; return .data }
            if count == 0 { return .closed }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .timedOut }
            return .failed(errno)
        }
    }

    /// Receives more bytes, waiting until the deadline. The buffer must have
    /// room after compaction (callers check `available < capacity`).
    func fill(until deadline: Deadline) -> ReadOutcome {
        if end == capacity { compact() }
        while true {
            switch stream.receive(into: storage + end, count: capacity - end) {
            case .transferred(let count): end += count; return .data
            case .closed: return .closed
            case .failed(let code): return .failed(code)
            case .wouldBlock(let forWriting):
                let waited = Socket.wait(stream.fd, forWriting: forWriting, until: deadline)
                if waited != .data { return waited }
            }
        }
    }

    /// Searches `[start + offset, end)` for the blank line that ends a head
    /// ("\n\n" or "\n\r\n"). Returns the offset from `start` just past it, or
    /// nil; on nil, `offset` is moved to where the next search must resume.
    func findHeadEnd(from offset: inout Int) -> Int? {
        var index = start + offset
        while index < end {
            guard let found = memchr(storage + index, 0x0A, end - index) else { break }
            let lf = storage.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if lf + 1 < end && storage[lf + 1] == 0x0A { return lf + 2 - start }
            if lf + 2 < end && storage[lf + 1] == 0x0D && storage[lf + 2] == 0x0A { return lf + 3 - start }
            if lf + 2 >= end { offset = lf - start; return nil }   // terminator may be incomplete
            index = lf + 1
        }
        offset = max(0, end - start - 2)
        return nil
    }

    /// Reads one line (LF-terminated, a CR before the LF dropped) of at most
    /// `maxLength` bytes, consuming it.
    func readLine(maxLength: Int, until deadline: Deadline) -> Result<[UInt8], LineError> {
        var scanned = 0
        while true {
            let from = start + scanned
            if from < end, let found = memchr(storage + from, 0x0A, end - from) {
                let lf = storage.distance(to: found.assumingMemoryBound(to: UInt8.self))
                var lineEnd = lf
                if lineEnd > start && storage[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd - start > maxLength { return .failure(.tooLong) }
                let line = Array(UnsafeBufferPointer(start: storage + start, count: lineEnd - start))
                start = lf + 1
                return .success(line)
            }
            scanned = available
            if scanned > maxLength + 1 { return .failure(.tooLong) }
            if available == capacity { return .failure(.tooLong) }
            let outcome = fill(until: deadline)
            if outcome != .data { return .failure(.read(outcome)) }
        }
    }

    enum LineError: Error, Equatable {
        case tooLong
        case read(ReadOutcome)
    }

    /// Consumes exactly `count` bytes, appending them to `body`. Returns nil
    /// on success, else why it stopped.
    func read(count: Int, appendingTo body: inout [UInt8], until deadline: Deadline) -> ReadOutcome? {
        var needed = count
        while needed > 0 {
            if available == 0 {
                start = 0; end = 0
                let outcome = fill(until: deadline)
                if outcome != .data { return outcome }
            }
            let take = min(needed, available)
            body.append(contentsOf: UnsafeBufferPointer(start: storage + start, count: take))
            start += take
            needed -= take
        }
        return nil
    }

    /// Reads and appends everything until the peer closes (client side, bodies
    /// without a length). Returns nil at a clean end, else why it stopped.
    func readToEnd(appendingTo body: inout [UInt8], until deadline: Deadline) -> ReadOutcome? {
        while true {
            if available > 0 {
                body.append(contentsOf: UnsafeBufferPointer(start: storage + start, count: available))
            }
            start = 0; end = 0
            switch fill(until: deadline) {
            case .data: continue
            case .closed: return nil
            case let other: return other
            }
        }
    }
}

/// Outcome of waiting for bytes.
enum ReadOutcome: Equatable {
    case data
    case closed
    case timedOut
    case failed(Int32)
}
