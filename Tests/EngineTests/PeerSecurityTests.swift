import Foundation
@testable import NodeHost
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest
import TandemTime

/// `/peer/v1/` refuses, with 401 and without storing anything, every request
/// that is unsigned, badly signed, too old, or replayed.
final class PeerSecurityTests: XCTestCase {
    private var nodes: FileStoreNodes!
    private let client = HTTPClient()
    private let path = "/peer/v1/messages"
    private let body = JSON.object(["messages": [[
        "kind": "replica", "seq": 1, "source": ["id": "999", "key": "FS-999"], "replica": ["summary": "intruder"],
    ]]]).serialized()

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
        try nodes.start()
    }

    override func tearDown() { nodes.stop() }

    private func post(_ headers: [(String, String)], body: [UInt8]? = nil, path: String? = nil) throws -> Int {
        var httpHeaders = HTTPHeaders()
        for (name, value) in headers { httpHeaders[name] = value }
        return try client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(nodes.greenPort)\(path ?? self.path)",
                                                 headers: httpHeaders, body: body ?? self.body)).status
    }

    private func signed(secret: String? = nil, now: Int64 = Timestamp.now() / 1000, nonce: String? = nil, target: String? = nil) -> [(String, String)] {
        let signer = RequestSigner(secret: secret ?? nodes.secret)
        if let nonce {
            return signer.headers(connection: "files", method: "POST", target: target ?? path, body: body, now: now, nonce: nonce)
        }
        return signer.headers(connection: "files", method: "POST", target: target ?? path, body: body, now: now)
    }

    private func inboxCount() throws -> Int {
        let store = try Store(path: nodes.folder.file("data-green/tandem.db"))
        return try store.read { try $0.inboxDepth(connection: "files") } + nodes.entities("green").count
    }

    func testUnsignedRequest_Gets401AndStoresNothing() throws {
        XCTAssertEqual(try post([]), 401)
        XCTAssertEqual(try post([], path: "/peer/v1/anything-else"), 401, "authentication comes before routing")
        XCTAssertEqual(try inboxCount(), 0)
    }

    func testBadSignature_Gets401AndStoresNothing() throws {
        XCTAssertEqual(try post(signed(secret: "the-wrong-secret-0123456789")), 401)
        XCTAssertEqual(try post(signed(), body: Array("{\"messages\":[]}".utf8)), 401, "a body other than the signed one")
        XCTAssertEqual(try inboxCount(), 0)
    }

    func testAnUnknownConnection_GetsTheAnswerOfABadSignature() throws {
        func answer(connection: String) throws -> HTTPResponse {
            var headers = HTTPHeaders()
            for (name, value) in RequestSigner(secret: "a-guessed-secret-0123456789")
                .headers(connection: connection, method: "POST", target: path, body: body, now: Timestamp.now() / 1000) {
                headers[name] = value
            }
            return try client.send(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(nodes.greenPort)\(path)",
                                                     headers: headers, body: body))
        }
        let unknown = try answer(connection: "no-such-connection")
        let badSignature = try answer(connection: "files")
        XCTAssertEqual(unknown.status, 401)
        XCTAssertEqual(unknown.status, badSignature.status)
        XCTAssertEqual(String(decoding: unknown.body, as: UTF8.self), String(decoding: badSignature.body, as: UTF8.self))
        XCTAssertEqual(try inboxCount(), 0)
    }

    func testOldTimestamp_Gets401AndStoresNothing() throws {
        XCTAssertEqual(try post(signed(now: Timestamp.now() / 1000 - 301)), 401)
        XCTAssertEqual(try inboxCount(), 0)
    }

    func testReplayedNonce_Gets401TheSecondTime() throws {
        let headers = signed(nonce: "00112233445566778899aabbccddeeff")
        XCTAssertEqual(try post(headers), 200)
        XCTAssertTrue(try eventually { try nodes.entities("green").count == 1 })
        XCTAssertEqual(try post(headers), 401)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(try nodes.entities("green").count, 1, "the replay created nothing")
    }

    func testUnsignedHugeBody_Gets401BeforeTheBodyIsSent() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(nodes.greenPort).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(connected, 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // 20 MiB announced, none sent: only a check before the body can answer.
        let head = Array("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: \(20 << 20)\r\n\r\n".utf8)
        _ = head.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8](repeating: 0, count: 512)
        let count = answer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        XCTAssertTrue(String(decoding: answer.prefix(max(0, count)), as: UTF8.self).hasPrefix("HTTP/1.1 401"),
                      String(decoding: answer.prefix(max(0, count)), as: UTF8.self))
    }

    func testReplayedNonceWithALargeBody_Gets401() throws {
        let headers = signed(nonce: "ffeeddccbbaa99887766554433221100")
        XCTAssertEqual(try post(headers), 200)
        XCTAssertEqual(try post(headers, body: Array(repeating: 0x20, count: 1 << 20)), 401)
    }

    func testNoncesOlderThanTwiceTheWindow_ArePrunedAtMostOncePerInterval() throws {
        let folder = TemporaryDirectory("nonces")
        let store = try Store(path: folder.file("tandem.db"))
        let now: Int64 = 10_000_000
        let pruning = NoncePruning()
        try store.write { tx in
            _ = try tx.useNonce("old", now: now - 601_000)
            _ = try tx.useNonce("recent", now: now - 100_000)
            try pruning.pruneIfDue(tx, now: now)
        }
        XCTAssertFalse(try store.read { try $0.isNonceUsed("old") })
        XCTAssertTrue(try store.read { try $0.isNonceUsed("recent") })
        try store.write { tx in
            _ = try tx.useNonce("old-again", now: now - 700_000)
            try pruning.pruneIfDue(tx, now: now + 1_000)
        }
        XCTAssertTrue(try store.read { try $0.isNonceUsed("old-again") }, "pruned at most once a minute")
        try store.write { try pruning.pruneIfDue($0, now: now + NoncePruning.intervalMs) }
        XCTAssertFalse(try store.read { try $0.isNonceUsed("old-again") })
    }
}
