import TandemHTTP
import TandemJSON
import XCTest

final class RouterTests: XCTestCase {
    private func request(_ method: String, _ target: String) -> HTTPRequest {
        HTTPRequest(method: method, target: target)
    }

    func testUnknownPath_Gets404JSON() throws {
        let router = Router()
        router.add("GET", "/a") { _ in .text(200, "a") }
        let response = router.handle(request("GET", "/b"))
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(try JSON(parsing: response.body)["status"], 404)
    }

    func testKnownPathOtherMethod_Gets405WithAllow() {
        let router = Router()
        router.add("GET", "/issue/{key}") { _ in .text(200, "") }
        router.add("PUT", "/issue/{key}") { _ in .text(204, "") }
        let response = router.handle(request("DELETE", "/issue/SUP-1"))
        XCTAssertEqual(response.status, 405)
        XCTAssertEqual(response.headers["Allow"], "GET, PUT")
    }

    func testPathParameters_AreExtractedAndPercentDecoded() {
        let router = Router()
        router.add("GET", "/issue/{key}/comment/{id}") { request in
            .text(200, "\(request.pathParameters["key"]!)|\(request.pathParameters["id"]!)")
        }
        let response = router.handle(request("GET", "/issue/A%2FB/comment/10?x=1"))
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "A/B|10")
    }

    func testLiteralSegment_WinsOverParameter() {
        let router = Router()
        router.add("GET", "/issue/{key}") { _ in .text(200, "param") }
        router.add("GET", "/issue/createmeta") { _ in .text(200, "literal") }
        XCTAssertEqual(router.handle(request("GET", "/issue/createmeta")).body, Array("literal".utf8))
        XCTAssertEqual(router.handle(request("GET", "/issue/SUP-2")).body, Array("param".utf8))
    }

    func testTrailingSlash_MatchesTheSameRoute() {
        let router = Router()
        router.add("GET", "/rest/api/2/myself") { _ in .text(200, "me") }
        XCTAssertEqual(router.handle(request("GET", "/rest/api/2/myself/")).status, 200)
    }

    func testHead_FallsBackToTheGetRoute() {
        let router = Router()
        router.add("GET", "/file") { _ in .text(200, "content") }
        XCTAssertEqual(router.handle(request("HEAD", "/file")).status, 200)
    }

    func testThrownResponseError_BecomesItsResponse() {
        let router = Router()
        router.add("POST", "/x") { request in
            _ = try request.jsonBody()
            return .text(200, "parsed")
        }
        let response = router.handle(HTTPRequest(method: "POST", target: "/x", body: Array("{oops".utf8)))
        XCTAssertEqual(response.status, 400)
        XCTAssertNotNil((try? JSON(parsing: response.body))?["reason"]?.stringValue)
    }

    func testOtherThrownError_Becomes500JSON() throws {
        struct Boom: Error {}
        let router = Router()
        router.add("GET", "/x") { _ in throw Boom() }
        let response = router.handle(request("GET", "/x"))
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(try JSON(parsing: response.body)["status"], 500)
    }

    func testCustomFallback_ReplacesDefaultMissAnswers() {
        let router = Router()
        router.add("GET", "/x") { _ in .text(200, "") }
        router.setFallback { _, miss in
            switch miss {
            case .notFound: return .text(404, "custom 404")
            case .methodNotAllowed(let allowed): return .text(405, allowed.joined())
            }
        }
        XCTAssertEqual(router.handle(request("GET", "/y")).body, Array("custom 404".utf8))
        XCTAssertEqual(router.handle(request("POST", "/x")).body, Array("GET".utf8))
    }

    func testLaterRegistration_ReplacesTheEarlierOne() {
        let router = Router()
        router.add("GET", "/x") { _ in .text(200, "old") }
        router.add("GET", "/x") { _ in .text(200, "new") }
        XCTAssertEqual(router.handle(request("GET", "/x")).body, Array("new".utf8))
    }
}
