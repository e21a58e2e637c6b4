import CCrypto
import Foundation
import Synchronization
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

/// A small blocking client for the simulators, with the account's Basic auth.
struct SimClient {
    let base: String
    var authorization: String?
    let http = HTTPClient()

    init(base: String, user: String = "admin", password: String = "secret") {
        self.base = base
        self.authorization = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @discardableResult
    func send(_ method: String, _ path: String, json: JSON? = nil, body: [UInt8] = [], headers: HTTPHeaders = [:]) throws -> HTTPClientResponse {
        var all = headers
        if let authorization, all["Authorization"] == nil { all["Authorization"] = authorization }
        if all["Accept"] == nil { all["Accept"] = "application/json" }
        var bytes = body
        if let json {
            bytes = json.serialized()
            if all["Content-Type"] == nil { all["Content-Type"] = "application/json" }
        }
        let url = path.hasPrefix("http") ? path : base + path
        return try http.send(HTTPClientRequest(method: method, url: url, headers: all, body: bytes, timeoutSeconds: 10))
    }

    @discardableResult
    /// Sends and parses the JSON answer, failing the test on another status.
    func json(_ method: String, _ path: String, _ body: JSON? = nil, expect status: Int = 200,
              file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
        let response = try send(method, path, json: body)
        XCTAssertEqual(response.status, status, "\(method) \(path): \(response.text)", file: file, line: line)
        return try JSON(parsing: response.body)
    }
}

/// An HTTP server that records what is POSTed to it; the first `failures` requests get 500.
final class WebhookReceiver: Sendable {
    private final class Log: Sendable {
        let requests = Mutex<[HTTPRequest]>([])
        let failuresLeft: Mutex<Int>
        init(failures: Int) { failuresLeft = Mutex(failures) }
    }

    private let log: Log
    private let server: HTTPServer
    let url: String

    init(failures: Int = 0) throws {
        let log = Log(failures: failures)
        let server = HTTPServer(configuration: HTTPServerConfiguration()) { request in
            let fail = log.failuresLeft.withLock { left -> Bool in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            log.requests.withLock { $0.append(request) }
            return HTTPResponse(status: fail ? 500 : 204)
        }
        let port = try server.start()
        self.log = log
        self.server = server
        self.url = "http://127.0.0.1:\(port)/hook"
    }

    var requests: [HTTPRequest] { log.requests.withLock { $0 } }

    /// The parsed bodies received so far.
    var payloads: [JSON] { requests.compactMap { try? JSON(parsing: $0.body) } }

    /// Waits (up to `seconds`) until `condition` holds for the payloads; returns them.
    func wait(seconds: Double = 10, until condition: ([JSON]) -> Bool) -> [JSON] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let current = payloads
            if condition(current) { return current }
            usleep(20_000)
        }
        return payloads
    }

    func stop() { server.stop() }
}

/// SHA-256 (libcrypto) as hex, to prove attachment bytes round-trip exactly.
func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    _ = bytes.withUnsafeBufferPointer { SHA256($0.baseAddress, bytes.count, &digest) }
    return digest.map { String(format: "%02x", $0) }.joined()
}

/// Bytes 0...255 repeated, with a NUL and CR LF inside: what breaks text-minded code.
func binaryFixture(count: Int = 70_000) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 8)) }
}

func temporaryPath(_ name: String) -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trackersim-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
}
