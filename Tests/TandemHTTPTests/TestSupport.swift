import TandemHTTP
import XCTest
import TandemJSON
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts a server on 127.0.0.1 port 0 for one test; stopped by `tearDown`.
func startServer(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                 handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws -> HTTPServer {
    var configuration = HTTPServerConfiguration()
    configuration.headerTimeoutSeconds = 2
    configuration.bodyTimeoutSeconds = 2
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    _ = try server.start()
    return server
}

struct RawSocketError: Error { let message: String }

/// A plain TCP socket to talk raw bytes to a server.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw RawSocketError(message: "cannot connect to 127.0.0.1:\(port)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// True when bytes (or a close) are waiting to be read.
    func hasDataToRead() -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Reads until the server closes the connection (or 10 s pass).
    func readAll() -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            out.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads one response with a Content-Length body (keep-alive tests).
    func readResponse() -> String {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        while !out.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(fd, &byte, 1, 0) == 1 else { return String(decoding: out, as: UTF8.self) }
            out.append(byte)
        }
        let head = String(decoding: out, as: UTF8.self)
        let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        for _ in 0..<length {
            guard recv(fd, &byte, 1, 0) == 1 else { break }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

/// The status code of a raw response text ("HTTP/1.1 404 Not Found…" → 404).
func statusCode(_ response: String) -> Int? {
    let parts = response.split(separator: " ", maxSplits: 2)
    return parts.count >= 2 ? Int(parts[1]) : nil
}

/// Asserts that `server` still answers a plain GET (after a client misbehaved).
func assertStillServes(_ server: HTTPServer, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let response = try HTTPClient().send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/", timeoutSeconds: 5))
        XCTAssertEqual(response.status, 200, "server should still serve", file: file, line: line)
    } catch {
        XCTFail("server stopped serving: \(error)", file: file, line: line)
    }
}

/// Waits (up to 5 s) until the server has no open connections.
func waitUntilIdle(_ server: HTTPServer) {
    for _ in 0..<500 where server.openConnections > 0 { usleep(10_000) }
}

/// The JSON body of a raw response text.
func jsonBody(_ response: String) -> JSON? {
    guard let split = response.range(of: "\r\n\r\n") else { return nil }
    return try? JSON(parsing: String(response[split.upperBound...]))
}

/// Answers 200 "ok" to everything; echoes nothing.
let okHandler: @Sendable (HTTPRequest) -> HTTPResponse = { _ in .text(200, "ok") }

/// A listener that serves canned bytes: each accepted connection reads one
/// request head and gets the next canned answer, then the test's choice of
/// closing or not. For client tests that need a misbehaving server.
final class CannedServer: @unchecked Sendable {
    let fd: Int32
    let port: Int
    private let answers: [[UInt8]]
    private let closeAfter: Bool

    init(answers: [String], closeAfter: Bool = true, accepting: Bool = true, backlog: Int32 = 16) {
        self.answers = answers.map { Array($0.utf8) }
        self.closeAfter = closeAfter
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length); return getsockname(fd, $0, &length) }
        }
        listen(fd, backlog)
        port = Int(UInt16(bigEndian: address.sin_port))
        if accepting { start() }
    }

    private func start() { Thread.detachNewThread { [self] in serve() } }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    private func serve() {
        for answer in answers {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            var head: [UInt8] = []
            var byte: UInt8 = 0
            while !head.ends(with: Array("\r\n\r\n".utf8)), recv(client, &byte, 1, 0) == 1 { head.append(byte) }
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if closeAfter { close(client) }
        }
    }
}
