import Foundation
import TandemHTTP
import TandemJSON
import XCTest

/// Every protective limit answers its status, closes the connection, and
/// leaves the server serving. Raw sockets send what a well-behaved client never would.
final class HTTPServerLimitsTests: XCTestCase {
    private func limited() throws -> HTTPServer {
        try startServer({ config in
            config.maxHeaderBytes = 1024
            config.maxBodyBytes = 1000
            config.headerTimeoutSeconds = 0.3
            config.bodyTimeoutSeconds = 0.3
        }, handler: okHandler)
    }

    func testRequestLineOverLimit_Gets414() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET /" + String(repeating: "a", count: 2000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = socket.readAll()
        XCTAssertEqual(statusCode(response), 414)
        XCTAssertTrue(response.contains("Connection: close"))
        assertStillServes(server)
    }

    func testHeadersOverLimit_Get431() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 2000) + "\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readAll()), 431)
        assertStillServes(server)
    }

    func testDeclaredBodyOverLimit_Gets413WithReason() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "c", count: 5000))
        let response = socket.readAll()
        XCTAssertEqual(statusCode(response), 413)
        XCTAssertNotNil(jsonBody(response)?["reason"]?.stringValue)
        assertStillServes(server)
    }

    func testChunkedBodyOverLimit_Gets413() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + String(repeating: "d", count: 1000)
                    + "\r\n1\r\ne\r\n0\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readAll()), 413)
        assertStillServes(server)
    }

    func testSlowHead_Gets408() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n")   // never finishes the head
        XCTAssertEqual(statusCode(socket.readAll()), 408)
        assertStillServes(server)
    }

    func testTricklingHead_Gets408EvenThoughBytesKeepArriving() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        var sent = 0
        while !socket.hasDataToRead(), sent < 100 {   // a byte every 20 ms, up to 2 s
            socket.send("a")
            sent += 1
            usleep(20_000)
        }
        XCTAssertLessThan(sent, 100, "the server should have answered before the client gave up")
        XCTAssertEqual(statusCode(socket.readAll()), 408)
        assertStillServes(server)
    }

    func testSlowBody_Gets408() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        XCTAssertEqual(statusCode(socket.readAll()), 408)
        assertStillServes(server)
    }

    func testSilentConnection_Gets408() throws {
        let server = try limited()
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        XCTAssertEqual(statusCode(socket.readAll()), 408)
        waitUntilIdle(server)
        XCTAssertEqual(server.openConnections, 0)
    }

    func testConnectionBeyondCap_Gets503() throws {
        let server = try startServer({ $0.maxConnections = 1 }, handler: okHandler)
        defer { server.stop() }
        let holder = try RawSocket(port: server.port)
        holder.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(statusCode(holder.readResponse()), 200)   // the one allowed connection is open
        let extra = try RawSocket(port: server.port)
        let response = extra.readAll()
        XCTAssertEqual(statusCode(response), 503)
        XCTAssertNotNil(jsonBody(response)?["reason"])
        withExtendedLifetime(holder) {}
    }

    func testConnectionBeyondCap_ServerRecoversWhenOneCloses() throws {
        let server = try startServer({ $0.maxConnections = 1 }, handler: okHandler)
        defer { server.stop() }
        var holder: RawSocket? = try RawSocket(port: server.port)
        holder!.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = holder!.readResponse()
        holder = nil
        waitUntilIdle(server)
        assertStillServes(server)
    }
}
