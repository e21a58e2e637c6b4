import CSSL
#if canImport(Glibc)
import Glibc
#endif

/// TLS over a non-blocking socket, through OpenSSL's `SSL` object.
///
/// Owns the `SSL` (freed in deinit), not the descriptor. Every call is
/// non-blocking; `WANT_READ`/`WANT_WRITE` become `.wouldBlock`, and the caller
/// polls the socket the way it does for plain TCP.
final class TLSStream: ByteStream {
    let fd: Int32
    let ssl: OpaquePointer

    /// Fails when OpenSSL cannot create the connection object.
    init?(context: OpaquePointer, fd: Int32, isServer: Bool) {
        guard let ssl = SSL_new(context) else { return nil }
        self.ssl = ssl
        self.fd = fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        SSL_set_fd(ssl, fd)
        if isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
    }

    deinit { SSL_free(ssl) }

    var supportsBlockingReceive: Bool { false }

    func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> IOStep {
        ERR_clear_error()
        let result = SSL_read(ssl, buffer, Int32(clamping: count))
        return result > 0 ? .transferred(Int(result)) : step(result)
    }

    func send(from bytes: UnsafeRawPointer, count: Int) -> IOStep {
        ERR_clear_error()
        let result = SSL_write(ssl, bytes, Int32(clamping: count))
        return result > 0 ? .transferred(Int(result)) : step(result)
    }

    func shutdownWrite() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        shutdown(fd, Int32(SHUT_WR))
    }

    /// Runs the handshake until done or the deadline; nil on success, else why
    /// it failed, in words an operator can act on.
    func handshake(until deadline: Deadline) -> String? {
        while true {
            ERR_clear_error()
            let result = SSL_do_handshake(ssl)
            if result == 1 { return nil }
            switch step(result) {
            case .wouldBlock(let forWriting):
                switch Socket.wait(fd, forWriting: forWriting, until: deadline) {
                case .data: continue
                case .timedOut: return "the TLS handshake did not finish in time"
                default: return "the connection failed during the TLS handshake"
                }
            case .closed: return failureText(fallback: "the other side closed the connection during the TLS handshake")
            default: return failureText(fallback: "the TLS handshake failed")
            }
        }
    }

    /// The certificate check's verdict when it failed, else OpenSSL's error.
    private func failureText(fallback: String) -> String {
        let verdict = SSL_get_verify_result(ssl)
        if verdict != X509_V_OK, SSL_is_server(ssl) == 0 {
            let reason = String(cString: X509_verify_cert_error_string(verdict))
            return "certificate verify failed: \(reason)"
        }
        return TLSErrors.drain() ?? fallback
    }

    private func step(_ result: Int32) -> IOStep {
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: return .wouldBlock(forWriting: false)
        case SSL_ERROR_WANT_WRITE: return .wouldBlock(forWriting: true)
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let saved = errno
            return saved == 0 ? .closed : .failed(saved)
        default: return .failed(EPROTO)
        }
    }
}

/// OpenSSL's thread-local error queue rendered as text.
enum TLSErrors {
    /// The queued errors joined by "; " (nil when none), emptying the queue.
    static func drain() -> String? {
        var parts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            let line = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // "error:0A000086:SSL routines::certificate verify failed" → the last part.
            parts.append(line.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? line)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
