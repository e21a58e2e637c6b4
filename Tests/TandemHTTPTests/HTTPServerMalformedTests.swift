import Foundation
import TandemHTTP
import TandemJSON
import XCTest

/// Malformed requests get 400 (or the specific 4xx/5xx) with a JSON reason,
/// and never take the server down.
final class HTTPServerMalformedTests: XCTestCase {
    private func send(_ raw: String, to server: HTTPServer) throws -> String {
        let socket = try RawSocket(port: server.port)
        socket.send(raw)
        return socket.readAll()
    }

    private func assertRejected(_ raw: String, _ status: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let server = try startServer(handler: okHandler)
        defer { server.stop() }
        let response = try send(raw, to: server)
        XCTAssertEqual(statusCode(response), status, response, file: file, line: line)
        XCTAssertNotNil(jsonBody(response)?["reason"]?.stringValue, "JSON reason expected", file: file, line: line)
        assertStillServes(server, file: file, line: line)
    }

    func testGarbageRequestLine_Gets400() throws {
        try assertRejected("HELLO\r\n\r\n", 400)
    }

    func testTargetWithoutSlash_Gets400() throws {
        try assertRejected("GET index.html HTTP/1.1\r\nHost: x\r\n\r\n", 400)
    }

    func testHeaderLineWithoutColon_Gets400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", 400)
    }

    func testSpaceBeforeColon_Gets400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400)
    }

    func testObsoleteLineFolding_Gets400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", 400)
    }

    func testControlByteInHeaderValue_Gets400() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{1}b\r\n\r\n", 400)
    }

    func testMissingHostInHTTP11_Gets400() throws {
        try assertRejected("GET / HTTP/1.1\r\n\r\n", 400)
    }

    func testContentLengthAndTransferEncoding_Gets400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)
    }

    func testConflictingContentLengths_Gets400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400)
    }

    func testNonNumericContentLength_Gets400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400)
    }

    func testInvalidChunkSize_Gets400() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400)
    }

    func testUnknownTransferCoding_Gets501() throws {
        try assertRejected("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501)
    }

    func testUnsupportedExpectation_Gets417() throws {
        try assertRejected("GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417)
    }

    func testHTTP2Version_Gets505() throws {
        try assertRejected("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505)
    }

    func testRandomGarbage_NeverCrashesTheServer() throws {
        let server = try startServer({ $0.headerTimeoutSeconds = 0.2; $0.bodyTimeoutSeconds = 0.2; $0.idleTimeoutSeconds = 0.2 }, handler: okHandler)
        defer { server.stop() }
        var generator = SplitMix(seed: 42)
        let pieces = ["GET", "POST", " ", "/", "HTTP/1.1", "\r\n", "\n", ":", "Host: x", "Content-Length: ", "9",
                      "Transfer-Encoding: chunked", "\u{0}", "ffffffffffffffffff", "%zz", "?a=%", "\r\n\r\n"]
        for _ in 0..<60 {
            var raw: [UInt8] = []
            for _ in 0..<Int(generator.next() % 12) {
                if generator.next() % 3 == 0 {
                    raw.append(UInt8(truncatingIfNeeded: generator.next()))
                } else {
                    raw += Array(pieces[Int(generator.next() % UInt64(pieces.count))].utf8)
                }
            }
            let socket = try RawSocket(port: server.port)
            socket.send(raw + Array("\r\n\r\n".utf8))
            let response = socket.readAll()
            if let status = statusCode(response) { XCTAssertTrue((200..<600).contains(status), response) }
        }
        assertStillServes(server)
    }
}

/// A tiny deterministic generator so the garbage test is reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
