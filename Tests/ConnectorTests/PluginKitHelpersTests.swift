import PluginKit
import XCTest

/// The shared helpers connectors use for tracker times, URLs and uploads.
final class PluginKitHelpersTests: XCTestCase {
    func testTimestampParse_ReadsJirasOffsetWithoutColon() {
        XCTAssertEqual(Timestamp.parse("2024-01-15T09:19:44.990+0000"), 1_705_310_384_990)
        XCTAssertEqual(Timestamp.parse("2024-01-15T10:19:44.990+0100"), 1_705_310_384_990)
    }

    func testTimestampParse_ReadsZColonOffsetsAndNoFraction() {
        XCTAssertEqual(Timestamp.parse("2024-01-15T09:19:44Z"), 1_705_310_384_000)
        XCTAssertEqual(Timestamp.parse("2024-01-15T04:19:44.5-05:00"), 1_705_310_384_500)
    }

    func testTimestampParse_ReadsServiceNowsSpacedUTC() {
        XCTAssertEqual(Timestamp.parse("2024-01-15 09:19:44"), 1_705_310_384_000)
    }

    func testTimestampParse_RefusesOtherText() {
        for text in ["", "yesterday", "2024-01-15", "2024-13-15T09:19:44Z", "2024-01-15T09:19:44+01", "2024-01-15T09:19:44Zjunk"] {
            XCTAssertNil(Timestamp.parse(text), text)
        }
    }

    func testTimestampFormats_AreUTCWithTheirOwnShapes() {
        XCTAssertEqual(Timestamp.iso(1_705_310_384_990), "2024-01-15T09:19:44.990Z")
        XCTAssertEqual(Timestamp.spaced(1_705_310_384_990), "2024-01-15 09:19:44")
        XCTAssertEqual(Timestamp.jqlMinute(1_705_310_384_990), "2024/01/15 09:19")
        XCTAssertEqual(Timestamp.jqlMinute(1_705_310_384_990, offsetSeconds: -8 * 3600), "2024/01/15 01:19")
    }

    func testURLEncoding_KeepsUnreservedAndEncodesTheRest() {
        XCTAssertEqual(URLEncoding.component("a-b_c.d~e"), "a-b_c.d~e")
        XCTAssertEqual(URLEncoding.component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9")
        XCTAssertEqual(URLEncoding.url("/p", [("jql", "x = \"1\""), ("n", "2")]), "/p?jql=x%20%3D%20%221%22&n=2")
    }

    func testMultipartBody_WrapsTheBytesInOneFilePart() {
        let body = MultipartBody(name: "file", filename: "a\"b.txt", mimeType: "text/plain", content: Array("hi".utf8), boundary: "XYZ")
        XCTAssertEqual(body.contentType, "multipart/form-data; boundary=XYZ")
        XCTAssertEqual(String(decoding: body.bytes, as: UTF8.self),
                       "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a_b.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XYZ--\r\n")
    }

    func testMultipartBody_ChangesABoundaryThatOccursInTheContent() {
        let body = MultipartBody(name: "file", filename: "f", mimeType: "text/plain", content: Array("--XYZ".utf8), boundary: "XYZ")
        XCTAssertNotEqual(body.contentType, "multipart/form-data; boundary=XYZ")
    }

    func testErrorMapping_403IsInvalidWithTheTrackersWordsUnlessTheLoginWasRefused() {
        let permission = ConnectorError.from(httpStatus: 403, retryAfter: nil, trackerMessage: "Insufficient rights to query records")
        XCTAssertEqual(permission?.kind, .invalid)
        XCTAssertTrue(permission?.message.hasSuffix("(HTTP 403): Insufficient rights to query records") ?? false, permission?.message ?? "")
        let login = ConnectorError.from(httpStatus: 403, retryAfter: nil, trackerMessage: "CAPTCHA required", credentialsRefused: true)
        XCTAssertEqual(login?.kind, .auth)
        XCTAssertEqual(ConnectorError.from(httpStatus: 401, retryAfter: nil, trackerMessage: "no")?.kind, .auth)
    }
}
