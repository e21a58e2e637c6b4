import Foundation
@testable import NodeHost
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest
import TandemTime
import TandemDigest

/// `GET /peer/v1/blobs/{sha256}` serves only attachments the node announced,
/// and only to a correctly signed request.
final class BlobEndpointTests: XCTestCase {
    private var nodes: FileStoreNodes!
    private let client = HTTPClient()
    private let bytes: [UInt8] = Array("attachment bytes".utf8)
    private var hash: String { Digest.hex(Digest.sha256(bytes)) }

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
        try nodes.start()
    }

    override func tearDown() { nodes.stop() }

    /// Records `bytes` as attachment a1 of entity e1 on green, as its outgoing stage would.
    private func announce() throws {
        let store = try Store(path: nodes.folder.file("data-green/tandem.db"))
        try store.write { try $0.saveAttachmentTwin(connection: "files", AttachmentTwin(
            localEntity: "e1", localAttachment: "a1", sha256: hash, size: Int64(bytes.count), remoteAttachment: nil)) }
        try BlobStore(store: store).write(bytes, sha256: hash)
    }

    private func get(_ sha256: String, signed: Bool = true, nonce: String? = nil) throws -> HTTPClientResponse {
        let target = "/peer/v1/blobs/" + sha256
        var headers = HTTPHeaders()
        if signed {
            let signer = RequestSigner(secret: nodes.secret)
            let signature = nonce.map { signer.headers(connection: "files", method: "GET", target: target, body: [], now: Timestamp.now() / 1000, nonce: $0) }
                ?? signer.headers(connection: "files", method: "GET", target: target, body: [], now: Timestamp.now() / 1000)
            for (name, value) in signature { headers[name] = value }
        }
        return try client.send(HTTPClientRequest(method: "GET", url: "http://127.0.0.1:\(nodes.greenPort)\(target)", headers: headers))
    }

    func testAnnouncedBlob_IsServedToASignedRequest() throws {
        try announce()
        let response = try get(hash)
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.body, bytes)
    }

    func testUnsignedRequest_Gets401() throws {
        try announce()
        XCTAssertEqual(try get(hash, signed: false).status, 401)
    }

    func testReplayedNonce_Gets401TheSecondTime() throws {
        try announce()
        let nonce = Digest.hex(Digest.randomBytes(16))
        XCTAssertEqual(try get(hash, nonce: nonce).status, 200)
        XCTAssertEqual(try get(hash, nonce: nonce).status, 401)
    }

    func testHashNeverAnnounced_Gets404() throws {
        XCTAssertEqual(try get(String(repeating: "0", count: 64)).status, 404)
    }

    func testNameThatIsNotAHash_Gets400() throws {
        XCTAssertEqual(try get("..%2F..%2Ftandem.db").status, 400)
    }
}
