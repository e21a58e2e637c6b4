import Foundation
import Synchronization
import TandemHTTP
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The server's budgets: request classes, body memory, waiting connections,
/// and the admission hook that runs before a body is read.
final class HTTPServerBudgetTests: XCTestCase {
    /// A gate handlers wait on until the test opens it.
    final class Gate: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        let entered = Atomic<Int>(0)
        func wait() { entered.add(1, ordering: .relaxed); semaphore.wait() }
        func open(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
    }

    private func retryAfter(_ response: String) -> String? {
        response.split(separator: "\r\n").first { $0.lowercased().hasPrefix("retry-after:") }
            .map { $0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces) }
    }

    func testAdmissionRefusal_IsAnsweredBeforeTheBodyIsSent() throws {
        let handled = Atomic<Int>(0)
        let server = try startServer({ configuration in
            configuration.admission = { head in head.headers["X-Signed"] == nil ? .error(401, "unsigned") : nil }
        }) { _ in handled.add(1, ordering: .relaxed); return .text(200, "ok") }
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        // 20 MiB announced, not one body byte sent: the answer must come anyway.
        socket.send("POST /peer/v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: \(20 << 20)\r\n\r\n")
        let response = socket.readAll()
        XCTAssertEqual(statusCode(response), 401)
        XCTAssertEqual(handled.load(ordering: .relaxed), 0)
        XCTAssertEqual(server.load.bufferedBodyBytes, 0)
    }

    func testAdmissionPass_ReadsTheBodyAndCallsTheHandler() throws {
        let server = try startServer({ configuration in
            configuration.admission = { head in head.headers["X-Signed"] == nil ? .error(401, "unsigned") : nil }
        }) { request in .text(200, "\(request.body.count)") }
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/peer/x", headers: ["X-Signed": "1"], body: Array(repeating: 7, count: 1000)))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "1000")
    }

    func testBodyBeyondTheMemoryCap_Gets503WithRetryAfter() throws {
        let gate = Gate()
        let server = try startServer({ $0.maxBufferedBodyBytes = 1 << 20; $0.maxBodyBytes = 900_000 }) { request in
            if request.path == "/hold" { gate.wait() }
            return .text(200, "\(request.body.count)")
        }
        defer { gate.open(8); server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        let first = Thread { _ = try? HTTPClient().send(HTTPClientRequest(method: "POST", url: url + "/hold", body: Array(repeating: 1, count: 800_000))) }
        first.start()
        XCTAssertTrue(eventually { gate.entered.load(ordering: .relaxed) == 1 })
        let socket = try RawSocket(port: server.port)
        socket.send("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 800000\r\n\r\n")
        let refused = socket.readAll()
        XCTAssertEqual(statusCode(refused), 503)
        XCTAssertEqual(retryAfter(refused), "1")
        gate.open(1)
        XCTAssertTrue(eventually { server.load.bufferedBodyBytes == 0 })
        let retried = try HTTPClient().send(HTTPClientRequest(method: "POST", url: url + "/other", body: Array(repeating: 1, count: 800_000)))
        XCTAssertEqual(retried.status, 200)
    }

    func testChunkedBodyBeyondTheMemoryCap_Gets503() throws {
        let gate = Gate()
        let server = try startServer({ $0.maxBufferedBodyBytes = 1500; $0.maxBodyBytes = 1500 }) { request in
            if request.path == "/hold" { gate.wait() }
            return .text(200, "ok")
        }
        defer { gate.open(8); server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        Thread { _ = try? HTTPClient().send(HTTPClientRequest(method: "POST", url: url + "/hold", body: Array(repeating: 1, count: 1000))) }.start()
        XCTAssertTrue(eventually { gate.entered.load(ordering: .relaxed) == 1 })
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + String(repeating: "a", count: 600)
                    + "\r\n0\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readAll()), 503)
        gate.open(1)
        XCTAssertTrue(eventually { server.load.bufferedBodyBytes == 0 })
    }

    func testMemoryCapBelowTheBodyLimit_StillAdmitsOneLargestBody() throws {
        let server = try startServer({ $0.maxBufferedBodyBytes = 1000; $0.maxBodyBytes = 100_000 }) { request in
            .text(200, "\(request.body.count)")
        }
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/",
                                                               body: Array(repeating: 1, count: 100_000)))
        XCTAssertEqual(response.status, 200)
    }

    func testFullRequestClass_Gets503WhileOtherClassesAreServed() throws {
        let gate = Gate()
        let server = try startServer({ configuration in
            configuration.requestClasses = [
                HTTPRequestClass(name: "health", pathPrefixes: ["/healthz"], maxInProgress: 4),
                HTTPRequestClass(name: "peer", pathPrefixes: ["/peer/"], maxInProgress: 1),
                HTTPRequestClass(name: "other", pathPrefixes: [], maxInProgress: 4),
            ]
        }) { request in
            if request.path.hasPrefix("/peer/") { gate.wait() }
            return .text(200, "ok")
        }
        defer { gate.open(8); server.stop() }
        let url = "http://127.0.0.1:\(server.port)"
        Thread { _ = try? HTTPClient().send(HTTPClientRequest(method: "GET", url: url + "/peer/a")) }.start()
        XCTAssertTrue(eventually { gate.entered.load(ordering: .relaxed) == 1 })
        let socket = try RawSocket(port: server.port)
        socket.send("GET /peer/b HTTP/1.1\r\nHost: x\r\n\r\n")
        let refused = socket.readAll()
        XCTAssertEqual(statusCode(refused), 503)
        XCTAssertTrue(refused.contains("peer requests"), refused)
        XCTAssertEqual(try HTTPClient().send(HTTPClientRequest(method: "GET", url: url + "/healthz", timeoutSeconds: 5)).status, 200)
    }

    func testBeyondTheWaitingLimit_TheLongestWaitingConnectionIsClosed() throws {
        let server = try startServer({ $0.maxWaitingConnections = 3; $0.headerTimeoutSeconds = 30 }, handler: okHandler)
        defer { server.stop() }
        let idle = try (0..<3).map { _ in try RawSocket(port: server.port) }
        XCTAssertTrue(eventually { server.load.waitingConnections == 3 })
        let response = try HTTPClient(maxIdleConnectionsPerHost: 0).send(
            HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/healthz", timeoutSeconds: 5))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(idle[0].readAll(), "", "the oldest idle connection is closed without an answer")
        XCTAssertFalse(idle[2].hasDataToRead(), "younger idle connections stay open")
    }

    func testIdleKeptAliveConnection_CountsAsWaitingAgain() throws {
        let server = try startServer({ $0.maxWaitingConnections = 1 }, handler: okHandler)
        defer { server.stop() }
        let kept = try RawSocket(port: server.port)
        kept.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(statusCode(kept.readResponse()), 200)
        XCTAssertTrue(eventually { server.load.waitingConnections == 1 })
        let newcomer = try RawSocket(port: server.port)
        newcomer.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(statusCode(newcomer.readResponse()), 200)
        XCTAssertEqual(kept.readAll(), "", "the idle kept-alive connection made room")
    }
}
