#if canImport(Glibc)
import Glibc
#endif

/// Low-level socket helpers shared by the server and the client. Every call
/// here blocks the calling thread at most until its deadline; callers run
/// them on threads the server or client owns, never on Swift's concurrency pool.
enum Socket {
    /// Waits until `fd` is readable (or writable) or the deadline passes.
    static func wait(_ fd: Int32, forWriting: Bool = false, until deadline: Deadline) -> ReadOutcome {
        while true {
            let millis = deadline.remainingMillis
            if millis == 0 { return .timedOut }
            var entry = pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
            let ready = poll(&entry, 1, millis)
            if ready > 0 { return .data }
            if ready == 0 { continue }   // loop re-checks the deadline (poll may wake a little early)
            if errno == EINTR { continue }
            return .failed(errno)
        }
    }

    /// Sends all of `bytes` over `stream`, waiting up to the deadline for
    /// buffer space. Returns nil on success or the failure.
    static func sendAll(_ stream: ByteStream, _ bytes: UnsafeRawBufferPointer, until deadline: Deadline) -> ReadOutcome? {
        var offset = 0
        while offset < bytes.count {
            switch stream.send(from: bytes.baseAddress! + offset, count: bytes.count - offset) {
            case .transferred(let count): offset += count
            case .wouldBlock(let forWriting):
                let waited = wait(stream.fd, forWriting: forWriting, until: deadline)
                if waited != .data { return waited }
            case .closed: return .failed(EPIPE)
            case .failed(let code): return .failed(code)
            }
        }
        return nil
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Sets SO_RCVTIMEO, the limit for a plain blocking `recv`.
    static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        if value.tv_sec == 0 && value.tv_usec == 0 { value.tv_usec = 1 }   // 0 would mean "forever"
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Renders an IPv4 socket address as "a.b.c.d:port".
    static func describe(_ address: sockaddr_in) -> String {
        let raw = UInt32(bigEndian: address.sin_addr.s_addr)
        let port = UInt16(bigEndian: address.sin_port)
        return "\(raw >> 24).\(raw >> 16 & 255).\(raw >> 8 & 255).\(raw & 255):\(port)"
    }

    /// Resolves `host` to an IPv4 address (numeric or by name, e.g. "localhost").
    static func resolveIPv4(_ host: String) -> in_addr? {
        var address = in_addr()
        if inet_pton(AF_INET, host, &address) == 1 { return address }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        guard let raw = first.pointee.ai_addr else { return nil }
        return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
