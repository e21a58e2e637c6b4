import NodeHost
import XCTest
import TandemDigest

/// Peer requests are signed over method, target, timestamp, nonce and body.
final class RequestSignerTests: XCTestCase {
    private let signer = RequestSigner(secret: "shared-secret-0123456789")
    private let nonce = "0123456789abcdef0123456789abcdef"
    private let body = Array(#"{"messages":[]}"#.utf8)

    private func signed(now: Int64 = 1_000) -> [String: String] {
        Dictionary(uniqueKeysWithValues: signer.headers(connection: "sup", method: "POST", target: "/peer/v1/messages",
                                                        body: body, now: now, nonce: nonce))
    }

    private func verify(_ headers: [String: String], body: [UInt8]? = nil, target: String = "/peer/v1/messages",
                        secret: RequestSigner? = nil, now: Int64 = 1_000) -> String? {
        (secret ?? signer).verify(method: "POST", target: target, body: body ?? self.body,
                                  timestamp: headers[RequestSigner.timestampHeader], nonce: headers[RequestSigner.nonceHeader],
                                  signature: headers[RequestSigner.signatureHeader], now: now)
    }

    func testVerify_AcceptsAValidSignature() {
        XCTAssertNil(verify(signed()))
    }

    func testVerify_RefusesAChangedBody() {
        XCTAssertEqual(verify(signed(), body: Array("{}".utf8)), "signature does not match")
    }

    func testVerify_RefusesAnotherPath() {
        XCTAssertEqual(verify(signed(), target: "/peer/v1/blobs"), "signature does not match")
    }

    func testVerify_RefusesAnotherSecret() {
        XCTAssertEqual(verify(signed(), secret: RequestSigner(secret: "another-secret-0123456")), "signature does not match")
    }

    func testVerify_RefusesATimestampMoreThan300SecondsAway() {
        XCTAssertNil(verify(signed(now: 1_000), now: 1_300))
        XCTAssertEqual(verify(signed(now: 1_000), now: 1_301), "timestamp is 301 s away from now")
        XCTAssertEqual(verify(signed(now: 1_000), now: 699), "timestamp is -301 s away from now")
    }

    func testVerify_RefusesMissingHeaders() {
        var headers = signed()
        headers[RequestSigner.signatureHeader] = nil
        XCTAssertEqual(verify(headers), "missing signature headers")
    }

    func testSign_UsesAFreshRandomNonceEachTime() {
        let first = Dictionary(uniqueKeysWithValues: signer.headers(connection: "c", method: "GET", target: "/", body: [], now: 1))
        let second = Dictionary(uniqueKeysWithValues: signer.headers(connection: "c", method: "GET", target: "/", body: [], now: 1))
        XCTAssertNotEqual(first[RequestSigner.nonceHeader], second[RequestSigner.nonceHeader])
        XCTAssertEqual(first[RequestSigner.nonceHeader]?.count, 32)
    }

    func testDigest_SHA256MatchesKnownVector() {
        XCTAssertEqual(Digest.hex(Digest.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
