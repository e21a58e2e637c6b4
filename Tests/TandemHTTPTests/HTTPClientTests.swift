import Foundation
import TandemHTTP
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class HTTPClientTests: XCTestCase {
    func testNothingListening_MapsToConnectionRefused() throws {
        let closed = CannedServer(answers: [], accepting: false)
        let port = closed.port
        closed.stop()
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))) { error in
            guard case .connectionRefused? = error as? HTTPClientError else { return XCTFail("\(error)") }
        }
    }

    func testServerThatNeverAnswers_MapsToTimedOut() throws {
        let silent = CannedServer(answers: [], accepting: false)   // the kernel accepts; nobody answers
        defer { silent.stop() }
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(
            method: "GET", url: "http://127.0.0.1:\(silent.port)/", timeoutSeconds: 0.3))) { error in
            guard case .timedOut? = error as? HTTPClientError else { return XCTFail("\(error)") }
        }
    }

    func testListenerWithFullBacklog_ConnectTimesOut() throws {
        // Backlog 0 and no accept: once the queue is full the kernel drops
        // further SYNs, so connecting hangs until the client's deadline.
        let full = CannedServer(answers: [], accepting: false, backlog: 0)
        defer { full.stop() }
        let fillers = try (0..<4).map { _ in try NonBlockingConnect(port: full.port) }
        usleep(50_000)
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(
            method: "GET", url: "http://127.0.0.1:\(full.port)/", timeoutSeconds: 0.3))) { error in
            guard case .timedOut(let detail)? = error as? HTTPClientError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("connecting"), detail)
        }
        withExtendedLifetime(fillers) {}
    }

    func testChunkedResponse_IsDecoded() throws {
        let canned = CannedServer(answers: ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: t\r\n\r\n"])
        defer { canned.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(canned.port)/"))
        XCTAssertEqual(response.text, "Wikipedia in \r\n\r\nchunks.")
    }

    func testResponseWithoutLength_IsReadUntilClose() throws {
        let canned = CannedServer(answers: ["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"])
        defer { canned.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(canned.port)/"))
        XCTAssertEqual(response.text, "until the end")
    }

    func testInterimContinue_IsSkipped() throws {
        let canned = CannedServer(answers: ["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"])
        defer { canned.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(canned.port)/", body: [1]))
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.text, "ok")
    }

    func testNonHTTPAnswer_MapsToMalformedResponse() throws {
        let canned = CannedServer(answers: ["SSH-2.0-OpenSSH\r\n\r\n"])
        defer { canned.stop() }
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(canned.port)/"))) { error in
            guard case .malformedResponse? = error as? HTTPClientError else { return XCTFail("\(error)") }
        }
    }

    func testTruncatedBody_MapsToConnectionClosed() throws {
        let canned = CannedServer(answers: ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"])
        defer { canned.stop() }
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(canned.port)/"))) { error in
            guard case .connectionClosed? = error as? HTTPClientError else { return XCTFail("\(error)") }
        }
    }

    func testInvalidURLs_MapToInvalidURL() {
        for url in ["127.0.0.1:80/", "ftp://example.com/", "http:///x", "http://h:99999/", "http://h/a b"] {
            XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: url)), url) { error in
                guard case .invalidURL? = error as? HTTPClientError else { return XCTFail("\(url): \(error)") }
            }
        }
    }

    func testHeadResponse_HasNoBodyAndKeepsTheConnectionUsable() throws {
        let server = try startServer { request in .text(200, request.remoteAddress) }
        defer { server.stop() }
        let client = HTTPClient()
        let url = "http://127.0.0.1:\(server.port)/"
        let head = try client.send(HTTPClientRequest(method: "HEAD", url: url, timeoutSeconds: 5))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        XCTAssertNotNil(head.headers["Content-Length"])
        let get = try client.send(HTTPClientRequest(method: "GET", url: url, timeoutSeconds: 5))
        XCTAssertEqual(get.text.isEmpty, false)
    }

    func testNoContentResponse_HasNoBody() throws {
        let server = try startServer { _ in HTTPResponse(status: 204, body: Array("ignored".utf8)) }
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "DELETE", url: "http://127.0.0.1:\(server.port)/x", timeoutSeconds: 5))
        XCTAssertEqual(response.status, 204)
        XCTAssertEqual(response.body, [])
    }

    func testLocalhost_Resolves() throws {
        let server = try startServer(handler: okHandler)
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://localhost:\(server.port)/"))
        XCTAssertEqual(response.status, 200)
    }

    func testIdleConnectionClosedByServer_IsReplacedTransparently() throws {
        let server = try startServer({ $0.idleTimeoutSeconds = 0.1 }, handler: { request in .text(200, request.remoteAddress) })
        defer { server.stop() }
        let client = HTTPClient()
        let url = "http://127.0.0.1:\(server.port)/"
        let first = try client.send(HTTPClientRequest(method: "POST", url: url, body: [1])).text
        usleep(400_000)   // the server closes the kept-alive connection meanwhile
        let second = try client.send(HTTPClientRequest(method: "POST", url: url, body: [2])).text
        XCTAssertNotEqual(first, second, "a new connection (new client port) must have been used")
    }

    func testConcurrentRequests_FromManyThreads_AllSucceed() throws {
        let server = try startServer { request in HTTPResponse(status: 200, body: request.body) }
        defer { server.stop() }
        let client = HTTPClient(maxIdleConnectionsPerHost: 2)
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<25 {
                let body = Array("\(thread)-\(index)".utf8)
                do {
                    let response = try client.send(HTTPClientRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/", body: body))
                    if response.body != body { failures.add("wrong body") }
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

/// A connection attempt left pending, to fill a listener's queue.
final class NonBlockingConnect {
    let fd: Int32
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
    deinit { close(fd) }
}
