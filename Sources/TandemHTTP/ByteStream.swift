#if canImport(Glibc)
import Glibc
#endif

/// One step of non-blocking I/O on a connection.
enum IOStep: Equatable {
    case transferred(Int)
    /// Nothing possible now: wait until the socket is readable (or writable).
    case wouldBlock(forWriting: Bool)
    case closed
    case failed(Int32)
}

/// The bytes of one connection: the plain socket or TLS over it. Two
/// implementations (`PlainStream`, `TLSStream`); owned by one thread at a time.
protocol ByteStream: AnyObject {
    var fd: Int32 { get }
    /// Receives up to `count` bytes without blocking.
    func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> IOStep
    /// Sends up to `count` bytes without blocking.
    func send(from bytes: UnsafeRawPointer, count: Int) -> IOStep
    /// Whether a blocking `recv` with SO_RCVTIMEO can wait for the next bytes
    /// (false for TLS, whose socket is non-blocking).
    var supportsBlockingReceive: Bool { get }
    /// Ends our sending side (TLS sends close_notify first).
    func shutdownWrite()
}

/// A plain TCP socket.
final class PlainStream: ByteStream {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    var supportsBlockingReceive: Bool { true }

    func receive(into buffer: UnsafeMutableRawPointer, count: Int) -> IOStep {
        while true {
            let received = recv(fd, buffer, count, Int32(MSG_DONTWAIT))
            if received > 0 { return .transferred(received) }
            if received == 0 { return .closed }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .wouldBlock(forWriting: false) }
            return .failed(errno)
        }
    }

    func send(from bytes: UnsafeRawPointer, count: Int) -> IOStep {
        while true {
            let sent = Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            if sent > 0 { return .transferred(sent) }
            if sent < 0 && errno == EINTR { continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .wouldBlock(forWriting: true) }
            return .failed(sent < 0 ? errno : EPIPE)
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }
}
