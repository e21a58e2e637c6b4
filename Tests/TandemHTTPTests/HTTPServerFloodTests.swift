import Foundation
import TandemHTTP
import TestSupport
import XCTest

/// Under a flood of idle, slow and huge-body connections at once, health
/// checks and peer messages keep getting answers and memory stays bounded.
/// Loopback only; about 10 s. Timing is asserted generously (the machine is
/// shared); `tandem-bench http --flood` measures the real figures.
final class HTTPServerFloodTests: XCTestCase {
    func testHealthAndPeerStayAnsweredUnderIdleSlowAndHugeBodyFloods() throws {
        FileLimit.raise(toAtLeast: 8192)
        // The test process also holds what earlier tests left resident: bound the growth.
        let baselineRSS = ConnectionFlood.residentMegabytes()
        let server = try startServer({ configuration in
            configuration.headerTimeoutSeconds = 10
            configuration.bodyTimeoutSeconds = 30
            configuration.admission = { head in
                head.path.hasPrefix("/peer/") && head.headers["X-Signed"] != "yes" ? .error(401, "unsigned") : nil
            }
        }) { request in .text(200, "\(request.body.count)") }
        defer { server.stop() }
        let port = server.port
        let flood = ConnectionFlood(port: port, idle: 2000, slow: 520, uploads: 10, uploadBytes: 30 << 20)
        defer { flood.stop() }

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
            peakRSS = max(peakRSS, ConnectionFlood.residentMegabytes())
            usleep(250_000)
        }
        XCTAssertLessThan(worst, 5, "health plus peer round trip took \(worst) s at worst")
        XCTAssertLessThan(peakRSS - baselineRSS, 200, "resident memory grew from \(baselineRSS) to \(peakRSS) MB")
        XCTAssertTrue(eventually(timeout: 60) { flood.uploadsFinished == flood.uploads })
        print("flood: worst health+peer \(String(format: "%.3f", worst)) s, peak RSS \(peakRSS) MB (\(baselineRSS) MB before)")
    }
}
