import Foundation
import TandemHTTP
import TandemJSON
import XCTest

/// HTTP/1.1 semantics on the wire: bodies, keep-alive, close, HEAD, 100-continue.
final class HTTPServerProtocolTests: XCTestCase {
    /// Answers with the method, the body as text and its length.
    private let echo: @Sendable (HTTPRequest) -> HTTPResponse = { request in
        .text(200, "\(request.method) \(request.body.count) \(String(decoding: request.body, as: UTF8.self))")
    }

    private func body(_ response: String) -> String {
        response.range(of: "\r\n\r\n").map { String(response[$0.upperBound...]) } ?? ""
    }

    func testChunkedRequestBody_IsDecodedWithExtensionsAndTrailer() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;name=v\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        XCTAssertEqual(body(socket.readResponse()), "POST 11 hello world")
    }

    func testEmptyLinesBeforeARequest_AreIgnored() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na\r\n")   // stray CRLF after the body
        XCTAssertEqual(body(socket.readResponse()), "POST 1 a")
        socket.send("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(body(socket.readResponse()), "GET 0 ")
    }

    func testKeepAlive_ServesSeveralRequestsOnOneSocket() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        for index in 0..<3 {
            socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n\(index)")
            XCTAssertEqual(body(socket.readResponse()), "POST 1 \(index)")
        }
    }

    func testPipelinedRequests_AreAnsweredInOrder() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\naPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb")
        XCTAssertEqual(body(socket.readResponse()), "POST 1 a")
        XCTAssertEqual(body(socket.readResponse()), "POST 1 b")
    }

    func testConnectionClose_ServerClosesAfterTheResponse() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = socket.readAll()   // returns only because the server closes
        XCTAssertEqual(statusCode(response), 200)
        XCTAssertTrue(response.contains("Connection: close\r\n"))
    }

    func testHTTP10WithoutKeepAlive_IsClosedAfterTheResponse() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.0\r\n\r\n")
        let response = socket.readAll()
        XCTAssertTrue(response.hasPrefix("HTTP/1.0 200 OK\r\n"), response)
    }

    func testHTTP10WithKeepAlive_StaysOpen() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertTrue(socket.readResponse().contains("Connection: keep-alive\r\n"))
        socket.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readResponse()), 200)
    }

    func testHandlerAskingToClose_ClosesTheConnection() throws {
        let server = try startServer { _ in HTTPResponse(status: 200, headers: ["Connection": "close"], body: Array("bye".utf8)) }
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(socket.readAll().hasSuffix("\r\n\r\nbye"))
    }

    func testHandlerFramingHeaders_AreReplacedByTheServers() throws {
        let server = try startServer { _ in
            HTTPResponse(status: 200, headers: ["Content-Length": "999", "Transfer-Encoding": "chunked", "X-Evil": "a\r\nSet-Cookie: x=1"],
                         body: Array("abc".utf8))
        }
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = socket.readAll()
        XCTAssertTrue(response.contains("Content-Length: 3\r\n"))
        XCTAssertFalse(response.contains("999"))
        XCTAssertFalse(response.contains("Transfer-Encoding"))
        XCTAssertFalse(response.contains("\r\nSet-Cookie"), "CR/LF in a value must not start a new header")
        XCTAssertTrue(response.hasSuffix("\r\n\r\nabc"))
    }

    func testHead_SendsLengthButNoBody() throws {
        let server = try startServer { _ in .text(200, "twelve bytes") }
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = socket.readAll()
        XCTAssertTrue(response.contains("Content-Length: 12\r\n"))
        XCTAssertTrue(response.hasSuffix("\r\n\r\n"), "no body after the head")
    }

    func testExpectContinue_Gets100BeforeTheBodyIsSent() throws {
        let server = try startServer(handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(socket.readResponse(), "HTTP/1.1 100 Continue\r\n\r\n")
        socket.send("data")
        XCTAssertEqual(body(socket.readResponse()), "PUT 4 data")
    }

    func testExpectContinueOverLimit_Gets413WithoutContinue() throws {
        let server = try startServer({ $0.maxBodyBytes = 10 }, handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readAll()), 413)
    }

    func testIdleKeptAliveConnection_IsClosedAfterIdleTimeout() throws {
        let server = try startServer({ $0.idleTimeoutSeconds = 0.2 }, handler: echo)
        defer { server.stop() }
        let socket = try RawSocket(port: server.port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(statusCode(socket.readResponse()), 200)
        XCTAssertEqual(socket.readAll(), "", "an idle close sends nothing more")
    }

    func testRequestFields_ReachTheHandler() throws {
        let server = try startServer { request in
            .json(200, ["path": .string(request.path), "q": .string(request.query("jql") ?? ""),
                        "h": .string(request.headers["x-custom"] ?? ""), "peer": .bool(request.remoteAddress.hasPrefix("127.0.0.1:"))])
        }
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(
            method: "GET", url: "http://127.0.0.1:\(server.port)/a%20b/c?jql=project%3DSUP+AND", headers: ["X-Custom": "v"]))
        XCTAssertEqual(try JSON(parsing: response.body), ["path": "/a b/c", "q": "project=SUP AND", "h": "v", "peer": true])
    }

    func testStop_ClosesOpenConnectionsAndListener() throws {
        let server = try startServer(handler: echo)
        let port = server.port
        let socket = try RawSocket(port: port)
        socket.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = socket.readResponse()
        server.stop()
        XCTAssertEqual(socket.readAll(), "")
        XCTAssertEqual(server.openConnections, 0)
        XCTAssertThrowsError(try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(port)/", timeoutSeconds: 2)))
    }
}
