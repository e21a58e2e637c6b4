import Foundation
import Synchronization
import TandemThreads
#if canImport(Glibc)
import Glibc
#endif

/// Abusive clients against a loopback port, for the flood test and
/// `tandem-bench http --flood`: connections that stay idle, connections that
/// send their head one byte per 200 ms, and parallel uploads of a large body
/// (sent from one shared buffer, so the flooding process itself stays small).
public final class ConnectionFlood: @unchecked Sendable {
    /// Shared with the flood's threads.
    private final class Flags: Sendable {
        let finishedUploads = Atomic<Int>(0)
    }

    private let flags = Flags()
    private let trickle = WorkerGroup(name: "flood-trickle")
    private var sockets: [Int32] = []
    public let uploads: Int

    /// Opens `idle` + `slow` connections now and starts the trickle and the uploads.
    public init(port: Int, idle: Int, slow: Int, uploads: Int, uploadBytes: Int) {
        self.uploads = uploads
        for _ in 0..<idle { sockets.append(Self.connect(port)) }
        let slowSockets = (0..<slow).map { _ in Self.connect(port) }
        sockets += slowSockets
        let flags = self.flags, trickle = self.trickle
        trickle.start { _ in
            let head = Array("GET /slow HTTP/1.1\r\nHost: x\r\nX-Pad: ".utf8)
            var index = 0
            while trickle.isRunning {
                for fd in slowSockets {
                    var byte = head[min(index, head.count - 1)]
                    _ = send(fd, &byte, 1, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                }
                index += 1
                usleep(200_000)
            }
        }
        let body = [UInt8](repeating: 0x61, count: uploadBytes)
        for index in 0..<uploads {
            // Detached: an upload ends when the server answers or cuts it off, not when the flood stops.
            let started = WorkerThread.start(name: "flood-upload\(index)", detached: true) {
                let fd = Self.connect(port)
                defer { close(fd); flags.finishedUploads.add(1, ordering: .relaxed) }
                let head = Array("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
                _ = head.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var offset = 0
                while offset < body.count {
                    let sent = body.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                    if sent <= 0 { break }
                    offset += sent
                }
                var scratch = [UInt8](repeating: 0, count: 4096)
                _ = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            }
            precondition(started != nil, "cannot start an upload thread: the system refused (errno \(errno))")
        }
    }

    /// Uploads that got an answer or were cut off.
    public var uploadsFinished: Int { flags.finishedUploads.load(ordering: .relaxed) }

    /// Stops the trickle and closes the idle and slow connections.
    public func stop() {
        trickle.stop()
        for fd in sockets { close(fd) }
        sockets = []
    }

    deinit { stop() }

    /// This process's resident memory in MiB (from /proc/self/status).
    public static func residentMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    private static func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }
}
