@testable import NodeHost
import TandemHTTP
import TandemJSON
import XCTest
import TandemDigest

/// A webhook's `sha256=<hex>` signature over the raw body, as connectors
/// declare it; every malformed header is refused, none crashes.
final class WebhookSignatureTests: XCTestCase {
    private let secret = Array("hook-secret-0123456789".utf8)
    private let body = Array(#"{"webhookEvent":"jira:issue_updated","issue":{"id":"10001"}}"#.utf8)
    private let signature = WebhookSignature(header: "X-Hub-Signature", scheme: .sha256Hex)

    private var valid: String { "sha256=" + Digest.hex(Digest.hmacSHA256(key: secret, message: body)) }

    private func failure(_ value: String?, body: [UInt8]? = nil) -> String? {
        var headers: HTTPHeaders = [:]
        if let value { headers["X-Hub-Signature"] = value }
        return signature.failure(headers: headers, body: body ?? self.body, secret: secret)
    }

    func testValidSignature_Verifies() {
        XCTAssertNil(failure(valid))
    }

    func testHeaderNameAndHexCase_DoNotMatter() {
        var headers: HTTPHeaders = [:]
        headers["x-hub-signature"] = "sha256=" + valid.dropFirst(7).uppercased()
        XCTAssertNil(signature.failure(headers: headers, body: body, secret: secret))
    }

    func testMissingHeader_IsRefused() {
        XCTAssertEqual(failure(nil), "no X-Hub-Signature header")
    }

    func testMissingPrefix_IsRefused() {
        XCTAssertNotNil(failure(String(valid.dropFirst(7))))
        XCTAssertNotNil(failure("sha1=" + valid.dropFirst(7)))
    }

    func testWrongLength_IsRefused() {
        XCTAssertNotNil(failure(String(valid.dropLast())))
        XCTAssertNotNil(failure(valid + "0"))
        XCTAssertNotNil(failure("sha256="))
    }

    func testNonHexDigits_AreRefused() {
        XCTAssertNotNil(failure(String(valid.dropLast()) + "g"))
        XCTAssertNotNil(failure(String(valid.dropLast(2)) + " 0"))
    }

    func testSignatureOfAnotherBody_IsRefused() {
        XCTAssertEqual(failure(valid, body: body + [UInt8(ascii: " ")]),
                       "X-Hub-Signature does not match the body under the instance's webhookSecret")
    }

    func testSignatureUnderAnotherSecret_IsRefused() {
        let other = "sha256=" + Digest.hex(Digest.hmacSHA256(key: Array("another-secret-0123456".utf8), message: body))
        XCTAssertNotNil(failure(other))
    }

    func testTwoSignatureHeaders_AreRefused() {
        let headers = HTTPHeaders(dictionaryLiteral: ("X-Hub-Signature", valid), ("X-Hub-Signature", "sha256=" + String(repeating: "0", count: 64)))
        XCTAssertEqual(signature.failure(headers: headers, body: body, secret: secret), "2 X-Hub-Signature headers")
    }

    func testRandomHeaderValues_AreAllRefused() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("sha256=0123456789abcdefABCDEFxyz =-_\u{00e9}")
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let value = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            XCTAssertNotNil(failure(value), value)
        }
    }

    func testDeclaration_IsReadFromCapabilities() throws {
        let declared = try WebhookSignature.declared(in: ["operations": ["describe"], "webhookSignature": ["header": "X-Tandem-Signature", "scheme": "sha256-hex"]])
        XCTAssertEqual(declared, WebhookSignature(header: "X-Tandem-Signature", scheme: .sha256Hex))
        XCTAssertNil(try WebhookSignature.declared(in: ["operations": ["describe"]]))
    }

    func testDeclarationWithAnUnknownScheme_IsAnError() {
        XCTAssertThrowsError(try WebhookSignature.declared(in: ["webhookSignature": ["header": "X-Sig", "scheme": "md5"]]))
        XCTAssertThrowsError(try WebhookSignature.declared(in: ["webhookSignature": ["header": "", "scheme": "sha256-hex"]]))
    }

    func testTrustWithoutASecret_TakesEveryDeliveryAsANoticeOnly() {
        let trust = WebhookTrust(signature: signature, secret: nil)
        XCTAssertEqual(trust.judge(headers: [:], body: body), .notice)
    }

    func testTrustWithASecret_VerifiesOrRefuses() {
        let trust = WebhookTrust(signature: signature, secret: secret)
        var headers: HTTPHeaders = [:]
        headers["X-Hub-Signature"] = valid
        XCTAssertEqual(trust.judge(headers: headers, body: body), .verified)
        XCTAssertEqual(trust.judge(headers: [:], body: body), .refused("no X-Hub-Signature header"))
    }
}
