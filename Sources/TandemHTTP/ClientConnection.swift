import CSSL
#if canImport(Glibc)
import Glibc
#endif

/// One client socket to one host: connect (and TLS handshake for https),
/// write a request, read a response.
///
/// The socket is non-blocking; every wait is a `poll` bounded by the request's
/// deadline. Owned by one thread at a time (taken from and returned to the
/// pool under its lock), hence `@unchecked Sendable`.
final class ClientConnection: @unchecked Sendable {
    let fd: Int32
    let authority: String
    /// The idle-pool key (scheme and authority).
    let poolKey: String
    private(set) var reader: SocketReader
    /// The TLS context when the connection runs TLS (for session reuse).
    private(set) var tls: TLSClientContext?
    /// Requests completed on this socket; > 0 means it came from the pool.
    var completedExchanges = 0
    /// Set once a status line of the current exchange arrived; a failure
    /// before that on a pooled socket may be retried.
    var responseStarted = false

    private var stream: ByteStream { reader.stream }

    private init(fd: Int32, url: ClientURL, stream: ByteStream) {
        self.fd = fd
        self.authority = url.authority
        self.poolKey = url.poolKey
        reader = SocketReader(stream: stream, capacity: 64 * 1024)
    }

    deinit { close(fd) }

    /// Connects to `url`; for https, `tls` must be given and the handshake
    /// verifies the server's certificate and host name.
    static func connect(to url: ClientURL, tls: TLSClientContext?, until deadline: Deadline) throws(HTTPClientError) -> ClientConnection {
        let connection = try connectTCP(to: url, until: deadline)
        guard url.isTLS else { return connection }
        guard let tls else { throw .tlsFailure("no TLS context for \(url.authority)") }
        let stream = try tls.stream(fd: connection.fd, host: url.host, authority: url.authority)
        if let problem = stream.handshake(until: deadline) {
            throw .tlsFailure("https://\(url.authority): \(problem)\(hint(problem))")
        }
        connection.reader = SocketReader(stream: stream, capacity: 64 * 1024)
        connection.tls = tls
        return connection
    }

    /// What to do next for the usual certificate problems.
    private static func hint(_ problem: String) -> String {
        if problem.contains("local issuer") || problem.contains("self-signed") || problem.contains("unable to get issuer") {
            return "; the server's certificate is from a CA this node does not trust: set caFile to that CA's PEM file"
        }
        if problem.contains("expired") { return "; renew the server's certificate" }
        if problem.contains("mismatch") { return "; use the host name the certificate was issued for, or reissue it with this name" }
        return ""
    }

    private static func connectTCP(to url: ClientURL, until deadline: Deadline) throws(HTTPClientError) -> ClientConnection {
        guard let address = Socket.resolveIPv4(url.host) else {
            throw .hostNotFound("'\(url.host)' does not resolve to an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .socketError("cannot create a socket: \(Socket.errorText(errno))") }
        let connection = ClientConnection(fd: fd, url: url, stream: PlainStream(fd: fd))   // closes fd on every error path
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(UInt16(url.port).bigEndian)
        target.sin_addr = address
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            guard errno == EINPROGRESS || errno == EINTR else { throw mapConnectError(errno, url.authority) }
            switch Socket.wait(fd, forWriting: true, until: deadline) {
            case .data: break
            case .timedOut: throw .timedOut("connecting to \(url.authority)")
            case .closed, .failed: throw .socketError("connecting to \(url.authority)")
            }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            if code != 0 { throw mapConnectError(code, url.authority) }
        }
        Socket.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        return connection
    }

    private static func mapConnectError(_ code: Int32, _ authority: String) -> HTTPClientError {
        switch code {
        case ECONNREFUSED: return .connectionRefused("nothing listens at \(authority)")
        case ETIMEDOUT: return .timedOut("connecting to \(authority)")
        default: return .socketError("connecting to \(authority): \(Socket.errorText(code))")
        }
    }

    /// True when a pooled socket still looks usable: nothing unread and not
    /// closed by the server while idle.
    var isReusable: Bool {
        guard reader.available == 0 else { return false }
        if let stream = stream as? TLSStream, SSL_pending(stream.ssl) > 0 { return false }
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    func write(_ bytes: [UInt8], until deadline: Deadline) throws(HTTPClientError) {
        responseStarted = false
        let failure = bytes.withUnsafeBytes { Socket.sendAll(stream, $0, until: deadline) }
        switch failure {
        case nil: return
        case .timedOut?: throw .timedOut("sending the request to \(authority)")
        default: throw .connectionClosed("\(authority) closed the connection while the request was sent")
        }
    }

    /// Reads one response. Returns it and whether the socket may be reused.
    func readResponse(method: String, until deadline: Deadline) throws(HTTPClientError) -> (HTTPClientResponse, Bool) {
        while true {
            let (status, minor, headers) = try readHead(until: deadline)
            if status >= 100 && status < 200 && status != 101 { continue }   // 100 Continue and friends
            var keepAlive = ClientConnection.keepAlive(minor: minor, headers: headers)
            var body: [UInt8] = []
            if method == "HEAD" || HTTPStatus.forbidsBody(status) {
                // No body by definition.
            } else if let coding = headers["Transfer-Encoding"], coding.lowercased().contains("chunked") {
                let failure = ChunkedDecoder.decode(from: reader, maxBytes: Int.max / 2, maxTrailerBytes: 64 * 1024,
                                                    until: deadline, into: &body)
                switch failure {
                case nil: break
                case .malformed(let reason)?: throw .malformedResponse("\(authority): \(reason)")
                case .tooLarge?, .overBudget?: throw .malformedResponse("\(authority): chunked body too large")
                case .read(let outcome)?: throw mapRead(outcome, "the chunked body")
                }
            } else if let lengthText = headers["Content-Length"] {
                guard let length = Int(lengthText.trimmingSpaces()), length >= 0 else {
                    throw .malformedResponse("\(authority) sent an invalid Content-Length '\(lengthText)'")
                }
                body.reserveCapacity(min(length, 64 << 20))
                if let outcome = reader.read(count: length, appendingTo: &body, until: deadline) {
                    throw mapRead(outcome, "the body")
                }
            } else {
                keepAlive = false
                if let outcome = reader.readToEnd(appendingTo: &body, until: deadline) { throw mapRead(outcome, "the body") }
            }
            completedExchanges += 1
            if completedExchanges == 1, let tls, let stream = stream as? TLSStream { tls.remember(stream, authority: authority) }
            return (HTTPClientResponse(status: status, headers: headers, body: body), keepAlive)
        }
    }

    private func readHead(until deadline: Deadline) throws(HTTPClientError) -> (Int, Int, HTTPHeaders) {
        let statusLine: [UInt8]
        switch reader.readLine(maxLength: 8 * 1024, until: deadline) {
        case .success(let line): statusLine = line; responseStarted = true
        case .failure(.tooLong): throw .malformedResponse("\(authority) sent a status line over 8 KiB")
        case .failure(.read(let outcome)): throw mapRead(outcome, "the status line")
        }
        // "HTTP/1.1 200 OK"
        guard statusLine.count >= 12, statusLine.starts(with: "HTTP/1.".utf8), isDigit(statusLine[7]),
              statusLine[8] == 0x20, isDigit(statusLine[9]), isDigit(statusLine[10]), isDigit(statusLine[11]),
              statusLine.count == 12 || statusLine[12] == 0x20 else {
            throw .malformedResponse("\(authority) sent '\(String(decoding: statusLine.prefix(60), as: UTF8.self))' instead of an HTTP/1.x status line")
        }
        let status = Int(statusLine[9] - 0x30) * 100 + Int(statusLine[10] - 0x30) * 10 + Int(statusLine[11] - 0x30)
        var headers = HTTPHeaders()
        var total = 0
        while true {
            let line: [UInt8]
            switch reader.readLine(maxLength: 64 * 1024, until: deadline) {
            case .success(let value): line = value
            case .failure(.tooLong): throw .malformedResponse("\(authority) sent a header line over 64 KiB")
            case .failure(.read(let outcome)): throw mapRead(outcome, "the headers")
            }
            if line.isEmpty { break }
            total += line.count
            if total > 256 * 1024 { throw .malformedResponse("\(authority) sent more than 256 KiB of headers") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                throw .malformedResponse("\(authority) sent a header line without a colon")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces()
            headers.add(name, value)
        }
        return (status, Int(statusLine[7] - 0x30), headers)
    }

    private static func keepAlive(minor: Int, headers: HTTPHeaders) -> Bool {
        let tokens = headers.values("Connection").flatMap { $0.split(separator: ",").map { $0.trimmingSpaces().lowercased() } }
        if tokens.contains("close") { return false }
        return minor >= 1 || tokens.contains("keep-alive")
    }

    private func mapRead(_ outcome: ReadOutcome, _ what: String) -> HTTPClientError {
        switch outcome {
        case .timedOut: return .timedOut("waiting for \(what) from \(authority)")
        case .closed: return .connectionClosed("\(authority) closed the connection before \(what) was complete")
        case .failed(let code) where code == ECONNRESET:
            return .connectionClosed("\(authority) reset the connection before \(what) was complete")
        case .failed(let code): return .socketError("reading \(what) from \(authority): \(Socket.errorText(code))")
        case .data: return .socketError("reading \(what) from \(authority)")
        }
    }
}

