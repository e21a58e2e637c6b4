#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection, served on its own thread until it closes.
///
/// State per request: (TLS: handshake, within the header timeout) → wait for
/// the first byte (header timeout on a fresh connection, idle timeout between
/// requests), counted as waiting in the budget → read the head (deadline:
/// header timeout from its first byte) → take a slot of the request's class
/// (503 when full) → admission hook → reserve the body's bytes (503 when the
/// server holds too many) → read the body (deadline: body timeout) → call the
/// handler → write the response. Any limit or
/// malformation answers its status with `Connection: close` and ends the loop;
/// the caller closes the socket. The fast path costs one `recv` and one `send`
/// per request.
final class ServerConnection {
    let id: Int
    let fd: Int32
    let remoteAddress: String
    let budget: ConnectionBudget
    let tls: TLSServerContext?
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    /// True once the server is stopping: the current response is the last.
    let isStopping: @Sendable () -> Bool
    private(set) var reader: SocketReader
    var writer = ResponseWriter()

    init(id: Int, fd: Int32, remoteAddress: String, configuration: HTTPServerConfiguration, budget: ConnectionBudget,
         tls: TLSServerContext?, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
         isStopping: @escaping @Sendable () -> Bool) {
        self.isStopping = isStopping
        self.id = id
        self.budget = budget
        self.tls = tls
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.configuration = configuration
        self.handler = handler
        reader = SocketReader(stream: PlainStream(fd: fd), capacity: configuration.maxHeaderBytes + 16 * 1024)
    }

    func run() {
        if let tls {
            // A failed handshake has no HTTP to answer in: the connection just closes.
            guard let stream = TLSStream(context: tls.context, fd: fd, isServer: true),
                  stream.handshake(until: .after(seconds: configuration.headerTimeoutSeconds)) == nil else { return }
            reader = SocketReader(stream: stream, capacity: reader.capacity)
        } else {
            Socket.setReceiveTimeout(fd, seconds: configuration.headerTimeoutSeconds)
        }
        var first = true
        while serveOne(first: first) {
            budget.wait(id, fd: fd)
            if first {
                first = false
                if tls == nil { Socket.setReceiveTimeout(fd, seconds: configuration.idleTimeoutSeconds) }
            }
        }
    }

    /// Serves one request; returns whether the connection stays open.
    private func serveOne(first: Bool) -> Bool {
        if reader.available == 0 {
            reader.start = 0
            reader.end = 0
            switch reader.fillBlocking(timeoutSeconds: first ? configuration.headerTimeoutSeconds : configuration.idleTimeoutSeconds) {
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

        var request = HTTPRequest(method: head.method, target: head.target, headers: head.headers)
        request.remoteAddress = remoteAddress
        request.httpMinorVersion = head.minorVersion

        // Budgets, then admission, both before any body byte is read.
        let classIndex = budget.classIndex(of: request.path)
        guard budget.startRequest(id, classIndex: classIndex) else {
            let name = classIndex.map { budget.classes[$0].name } ?? "other"
            reject(ServerConnection.retryLater("the server is at its limit of \(name) requests in progress; retry later"))
            return false
        }
        defer { budget.finishRequest(classIndex: classIndex) }
        if let hook = configuration.admission, let refusal = hook(request) {
            reject(refusal)
            return false
        }

        // Body.
        var body: [UInt8] = []
        var reserved = 0
        defer { budget.releaseBody(reserved) }
        if let length = head.contentLength, length > 0 {
            if length > configuration.maxBodyBytes {
                reject(413, "the request body of \(length) bytes is larger than the limit of \(configuration.maxBodyBytes) bytes")
                return false
            }
            guard budget.reserveBody(length) else {
                reject(ServerConnection.retryLater("the server holds its limit of request bodies in memory; retry later"))
                return false
            }
            reserved = length
            if head.expectsContinue && head.minorVersion >= 1 && reader.available == 0 { sendContinue() }
            body.reserveCapacity(length)
            if let failure = reader.read(count: length, appendingTo: &body, until: .after(seconds: configuration.bodyTimeoutSeconds)) {
                return rejectBodyRead(failure)
            }
        } else if head.chunked {
            if head.expectsContinue && head.minorVersion >= 1 && reader.available == 0 { sendContinue() }
            let failure = ChunkedDecoder.decode(from: reader, maxBytes: configuration.maxBodyBytes,
                                                maxTrailerBytes: configuration.maxHeaderBytes,
                                                until: .after(seconds: configuration.bodyTimeoutSeconds), into: &body,
                                                reserve: { [budget] size in
                                                    guard budget.reserveBody(size) else { return false }
                                                    reserved += size
                                                    return true
                                                })
            switch failure {
            case nil: break
            case .tooLarge?:
                reject(413, "the chunked request body is larger than the limit of \(configuration.maxBodyBytes) bytes")
                return false
            case .overBudget?:
                reject(ServerConnection.retryLater("the server holds its limit of request bodies in memory; retry later"))
                return false
            case .malformed(let reason)?:
                reject(400, reason)
                return false
            case .read(let outcome)?:
                return rejectBodyRead(outcome)
            }
        }

        // Handler and response.
        request.body = body
        body = []
        let response = handler(request)
        request.body = []
        let keepAlive = head.keepAlive && !ServerConnection.responseAsksToClose(response) && !isStopping()
        return write(response, minorVersion: head.minorVersion, keepAlive: keepAlive,
                     includeBody: head.method != "HEAD") && keepAlive
    }

    /// 503 with Retry-After: a limit that frees up on its own.
    static func retryLater(_ reason: String) -> HTTPResponse {
        var response = HTTPResponse.error(503, reason)
        response.headers["Retry-After"] = "1"
        return response
    }

    private static func responseAsksToClose(_ response: HTTPResponse) -> Bool {
        guard let value = response.headers["Connection"] else { return false }
        return value.split(separator: ",").contains { asciiCaseInsensitiveEqual($0.trimmingSpaces(), "close") }
    }

    /// Writes a response; false when the client is gone or does not read.
    private func write(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, includeBody: Bool) -> Bool {
        let complete = writer.serialize(response, minorVersion: minorVersion, keepAlive: keepAlive, includeBody: includeBody)
        let deadline = Deadline.after(seconds: configuration.bodyTimeoutSeconds)
        let headFailed = writer.buffer.withUnsafeBytes { Socket.sendAll(reader.stream, $0, until: deadline) }
        if headFailed != nil { return false }
        if !complete {
            let bodyFailed = response.body.withUnsafeBytes { Socket.sendAll(reader.stream, $0, until: deadline) }
            if bodyFailed != nil { return false }
        }
        return true
    }

    private func sendContinue() {
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        _ = Socket.sendAll(reader.stream, UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount),
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
        reject(.error(status, reason))
    }

    func reject(_ response: HTTPResponse) {
        _ = write(response, minorVersion: 1, keepAlive: false, includeBody: true)
        lingeringClose()
    }

    private func lingeringClose() {
        reader.stream.shutdownWrite()
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
