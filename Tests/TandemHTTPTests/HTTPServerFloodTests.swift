import Foundation
import Synchronization
import TandemHTTP
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Under a flood of idle, slow and huge-body connections at once, health
/// checks and peer messages keep getting answers and memory stays bounded.
/// Loopback only; about 15 s. Timing is asserted generously (the machine is
/// shared); the test prints the measured worst latency and peak RSS.
final class HTTPServerFloodTests: XCTestCase {
    private static func connectRaw(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return fd
    }

    private static func residentMegabytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    func testHealthAndPeerStayAnsweredUnderIdleSlowAndHugeBodyFloods() throws {
        FileLimit.raise(toAtLeast: 8192)
        let server = try startServer({ configuration in
            configuration.headerTimeoutSeconds = 10
            configuration.bodyTimeoutSeconds = 30
            configuration.admission = { head in
                head.path.hasPrefix("/peer/") && head.headers["X-Signed"] != "yes" ? .error(401, "unsigned") : nil
            }
        }) { request in .text(200, "\(request.body.count)") }
        defer { server.stop() }
        let port = server.port
        let stop = Atomic<Bool>(false)
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }

        // 2,000 idle connections, then 520 that send a head one byte at a time.
        for _ in 0..<2000 { sockets.append(Self.connectRaw(port)) }
        let slow = (0..<520).map { _ in Self.connectRaw(port) }
        sockets += slow
        let trickle = Thread {
            let head = Array("GET /slow HTTP/1.1\r\nHost: x\r\nX-Pad: ".utf8)
            var index = 0
            while !stop.load(ordering: .relaxed) {
                for fd in slow {
                    var byte = head[min(index, head.count - 1)]
                    _ = send(fd, &byte, 1, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                }
                index += 1
                usleep(200_000)
            }
        }
        trickle.start()
        // Ten parallel 30 MiB bodies, sent from one shared buffer (the
        // test's own memory stays small, so RSS is the server's).
        let body = [UInt8](repeating: 0x61, count: 30 << 20)
        let uploads = Atomic<Int>(0)
        for _ in 0..<10 {
            Thread {
                let fd = Self.connectRaw(port)
                defer { close(fd); uploads.add(1, ordering: .relaxed) }
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
            }.start()
        }

        var worst = 0.0
        var peakRSS = 0
        let probe = HTTPClient(maxIdleConnectionsPerHost: 0)
        for _ in 0..<20 {
            let started = Date()
            let health = try probe.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/healthz", timeoutSeconds: 10))
            XCTAssertEqual(health.status, 200)
            let peer = try probe.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(port)/peer/v1/messages",
                                                        headers: ["X-Signed": "yes"], body: Array(#"{"messages":[]}"#.utf8),
                                                        timeoutSeconds: 10))
            XCTAssertEqual(peer.status, 200)
            worst = max(worst, Date().timeIntervalSince(started))
            peakRSS = max(peakRSS, Self.residentMegabytes())
            usleep(250_000)
        }
        stop.store(true, ordering: .relaxed)
        XCTAssertLessThan(worst, 5, "health plus peer round trip took \(worst) s at worst")
        XCTAssertLessThan(peakRSS, 200, "resident memory peaked at \(peakRSS) MB")
        XCTAssertTrue(eventually(timeout: 60) { uploads.load(ordering: .relaxed) == 10 })
        print("flood: worst health+peer \(String(format: "%.3f", worst)) s, peak RSS \(peakRSS) MB")
    }
}
