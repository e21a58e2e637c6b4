import TandemHTTP
import XCTest

final class MultipartTests: XCTestCase {
    /// Every byte value, plus sequences that look like line ends and boundaries.
    private let binary: [UInt8] = Array(0...255) + Array("\r\n--\r\n\r\n--boundary".utf8) + Array(255...255) + [0x0D]

    func testParse_BinaryFileKeepsEveryByte() throws {
        let type = "multipart/form-data; boundary=XyZ"
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            + binary + Array("\r\n--XyZ--\r\n".utf8)
        let parts = try Multipart.parse(body: body, contentType: type)
        XCTAssertEqual(parts.count, 1)
        XCTAssertEqual(parts[0].name, "file")
        XCTAssertEqual(parts[0].filename, "a.bin")
        XCTAssertEqual(parts[0].contentType, "application/octet-stream")
        XCTAssertEqual(parts[0].body, binary)
    }

    func testParse_QuotedBoundaryPreambleAndSeveralFields() throws {
        let type = #"multipart/form-data; charset=utf-8; boundary="a b""#
        let body = Array("preamble\r\n--a b\r\nContent-Disposition: form-data; name=\"one\"\r\n\r\n1\r\n--a b\r\nContent-Disposition: form-data; name=\"two\"\r\n\r\n\r\n--a b--".utf8)
        let parts = try Multipart.parse(body: body, contentType: type)
        XCTAssertEqual(parts.map(\.name), ["one", "two"])
        XCTAssertEqual(parts.map(\.body), [Array("1".utf8), []])
        XCTAssertNil(parts[0].filename)
    }

    func testParse_MissingClosingBoundary_Throws() {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ndata".utf8)
        XCTAssertThrowsError(try Multipart.parse(body: body, contentType: "multipart/form-data; boundary=b"))
    }

    func testParse_NoBoundaryParameter_Throws() {
        XCTAssertThrowsError(try Multipart.parse(body: [], contentType: "multipart/form-data"))
    }

    func testParse_PartWithoutName_Throws() {
        let body = Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8)
        XCTAssertThrowsError(try Multipart.parse(body: body, contentType: "multipart/form-data; boundary=b"))
    }

    func testBuildThenParse_RoundTrips() throws {
        let parts = [MultipartPart(name: "file", filename: "x \"q\".bin", contentType: "image/png", body: binary),
                     MultipartPart(name: "note", body: Array("hi".utf8))]
        let (body, type) = Multipart.build(parts)
        let parsed = try Multipart.parse(body: body, contentType: type)
        XCTAssertEqual(parsed.map(\.name), ["file", "note"])
        XCTAssertEqual(parsed.map(\.body), [binary, Array("hi".utf8)])
        XCTAssertEqual(parsed[0].filename, "x %22q%22.bin")
    }

    func testUploadOverSocket_BinaryBytesArriveIntact() throws {
        let server = try startServer { request in
            do {
                let parts = try Multipart.parse(body: request.body, contentType: request.headers["Content-Type"] ?? "")
                return HTTPResponse(status: 200, body: parts.first?.body ?? [])
            } catch {
                return .text(400, "\(error)")
            }
        }
        defer { server.stop() }
        var generator = SplitMix(seed: 7)
        let payload = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let (body, type) = Multipart.build([MultipartPart(name: "file", filename: "blob", body: payload)])
        let response = try HTTPClient().send(HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(server.port)/upload",
            headers: ["Content-Type": type, "X-Atlassian-Token": "no-check"], body: body))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, payload)
    }
}
