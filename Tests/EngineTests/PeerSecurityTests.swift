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
}
