#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection, served on its own thread until it closes.
///
/// State per request: wait for the first byte (SO_RCVTIMEO: header timeout
/// on a fresh connection, idle timeout between requests) → read the head
/// (deadline: header timeout from its first byte) → read the body (deadline:
/// body timeout) → call the handler → write the response. Any limit or
/// malformation answers its status with `Connection: close` and ends the loop;
/// the caller closes the socket. The fast path costs one `recv` and one `send`
/// per request.
final class ServerConnection {
    let fd: Int32
    let remoteAddress: String
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    /// True once the server is stopping: the current response is the last.
    let isStopping: @Sendable () -> Bool
    let reader: SocketReader
    var writer = ResponseWriter()

    init(fd: Int32, remoteAddress: String, configuration: HTTPServerConfiguration,
         handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse, isStopping: @escaping @Sendable () -> Bool) {
        self.isStopping = isStopping
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.configuration = configuration
        self.handler = handler
        reader = SocketReader(fd: fd, capacity: configuration.maxHeaderBytes + 16 * 1024)
    }

    func run() {
        Socket.setReceiveTimeout(fd, seconds: configuration.headerTimeoutSeconds)
        var first = true
        while serveOne(first: first) {
            if first {
                first = false
                Socket.setReceiveTimeout(fd, seconds: configuration.idleTimeoutSeconds)
            }
        }
    }

    /// Serves one request; returns whether the connection stays open.
    private func serveOne(first: Bool) -> Bool {
        if reader.available == 0 {
            reader.start = 0
            reader.end = 0
            switch reader.fillBlocking() {
            case .data: break
            case .timedOut:
                // A fresh connection that sent nothing is a slow client; an idle
                // kept-alive one just ends.
                if first { reject(408, "no request arrived within \(configuration.headerTimeoutSeconds) s") }
                return false
            case .closed, .failed: return false
            }
        } else if reader.start > reader.capacity / 2 {
            reader.compact()
        }

        // Head.
        let headDeadline = Deadline.after(seconds: configuration.headerTimeoutSeconds)
        var scanOffset = 0
        var headLength = 0
        while true {
            if scanOffset == 0 {
                // Empty lines before a request line are ignored (RFC 9112 §2.2).
                while reader.available > 0 && (reader.storage[reader.start] == 0x0D || reader.storage[reader.start] == 0x0A) {
                    reader.start += 1
                }
            }
            if reader.available > 0, let end = reader.findHeadEnd(from: &scanOffset) { headLength = end; break }
            if reader.available >= configuration.maxHeaderBytes {
                rejectOversizedHead()
                return false
            }
            switch reader.fill(until: headDeadline) {
            case .data: continue
            case .timedOut:
                reject(408, "the request head did not arrive within \(configuration.headerTimeoutSeconds) s")
                return false
            case .closed, .failed: return false
            }
        }
        if headLength > configuration.maxHeaderBytes {
            rejectOversizedHead()
            return false
        }
        let parsed = RequestHeadParser.parse(UnsafeBufferPointer(start: reader.storage + reader.start, count: headLength))
        reader.start += headLength
        let head: RequestHead
        switch parsed {
        case .success(let value): head = value
        case .failure(let rejection):
            reject(rejection.status, rejection.reason)
            return false
        }

        // Body.
        var body: [UInt8] = []
        if let length = head.contentLength, length > 0 {
            if length > configuration.maxBodyBytes {
                reject(413, "the request body of \(length) bytes is larger than the limit of \(configuration.maxBodyBytes) bytes")
                return false
            }
            if head.expectsContinue && head.minorVersion >= 1 && reader.available == 0 { sendContinue() }
            body.reserveCapacity(length)
            if let failure = reader.read(count: length, appendingTo: &body, until: .after(seconds: configuration.bodyTimeoutSeconds)) {
                return rejectBodyRead(failure)
            }
        } else if head.chunked {
            if head.expectsContinue && head.minorVersion >= 1 && reader.available == 0 { sendContinue() }
            let failure = ChunkedDecoder.decode(from: reader, maxBytes: configuration.maxBodyBytes,
                                                maxTrailerBytes: configuration.maxHeaderBytes,
                                                until: .after(seconds: configuration.bodyTimeoutSeconds), into: &body)
            switch failure {
            case nil: break
            case .tooLarge?:
                reject(413, "the chunked request body is larger than the limit of \(configuration.maxBodyBytes) bytes")
                return false
            case .malformed(let reason)?:
                reject(400, reason)
                return false
            case .read(let outcome)?:
                return rejectBodyRead(outcome)
            }
        }

        // Handler and response.
        var request = HTTPRequest(method: head.method, target: head.target, headers: head.headers, body: body)
        request.remoteAddress = remoteAddress
        request.httpMinorVersion = head.minorVersion
        let response = handler(request)
        let keepAlive = head.keepAlive && !ServerConnection.responseAsksToClose(response) && !isStopping()
        return write(response, minorVersion: head.minorVersion, keepAlive: keepAlive,
                     includeBody: head.method != "HEAD") && keepAlive
    }

    private static func responseAsksToClose(_ response: HTTPResponse) -> Bool {
        guard let value = response.headers["Connection"] else { return false }
        return value.split(separator: ",").contains { asciiCaseInsensitiveEqual($0.trimmingSpaces(), "close") }
    }

    /// Writes a response; false when the client is gone or does not read.
    private func write(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, includeBody: Bool) -> Bool {
        let complete = writer.serialize(response, minorVersion: minorVersion, keepAlive: keepAlive, includeBody: includeBody)
        let deadline = Deadline.after(seconds: configuration.bodyTimeoutSeconds)
        let headFailed = writer.buffer.withUnsafeBytes { Socket.sendAll(fd, $0, until: deadline) }
        if headFailed != nil { return false }
        if !complete {
            let bodyFailed = response.body.withUnsafeBytes { Socket.sendAll(fd, $0, until: deadline) }
            if bodyFailed != nil { return false }
        }
        return true
    }

    private func sendContinue() {
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        _ = Socket.sendAll(fd, UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount),
                           until: .after(seconds: configuration.bodyTimeoutSeconds))
    }

    private func rejectOversizedHead() {
        // No line end within the limit means the request line itself is too long.
        let window = min(reader.available, configuration.maxHeaderBytes)
        if memchr(reader.storage + reader.start, 0x0A, window) == nil {
            reject(414, "the request line is longer than \(configuration.maxHeaderBytes) bytes")
        } else {
            reject(431, "the request line and headers are larger than \(configuration.maxHeaderBytes) bytes")
        }
    }

    private func rejectBodyRead(_ outcome: ReadOutcome) -> Bool {
        if outcome == .timedOut {
            reject(408, "the request body did not arrive within \(configuration.bodyTimeoutSeconds) s")
        }
        return false
    }

    /// Answers an error with `Connection: close`, then closes gracefully: our
    /// side is shut down and what the client still sends is drained briefly,
    /// so the client reads the answer instead of a reset.
    func reject(_ status: Int, _ reason: String) {
        _ = write(.error(status, reason), minorVersion: 1, keepAlive: false, includeBody: true)
        lingeringClose()
    }

    private func lingeringClose() {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Deadline.after(seconds: min(2, configuration.headerTimeoutSeconds))
        var discarded = 0
        while discarded < 1 << 20 {
            reader.start = 0
            reader.end = 0
            guard reader.fill(until: deadline) == .data else { return }
            discarded += reader.available
        }
    }
}
