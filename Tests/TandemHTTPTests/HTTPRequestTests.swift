import TandemHTTP
import TandemJSON
import XCTest

final class HTTPRequestTests: XCTestCase {
    func testQueryItems_ArePercentAndPlusDecodedInOrder() {
        let request = HTTPRequest(method: "GET", target: "/search?jql=project%20%3D%20SUP+AND&x=1&x=2&flag&bad=%zz")
        XCTAssertEqual(request.path, "/search")
        XCTAssertEqual(request.queryItems.map(\.name), ["jql", "x", "x", "flag", "bad"])
        XCTAssertEqual(request.query("jql"), "project = SUP AND")
        XCTAssertEqual(request.query("x"), "1")
        XCTAssertEqual(request.query("flag"), "")
        XCTAssertEqual(request.query("bad"), "%zz")
        XCTAssertNil(request.query("missing"))
    }

    func testPath_IsPercentDecodedButPlusStays() {
        XCTAssertEqual(HTTPRequest(method: "GET", target: "/a%C3%A9+b").path, "/aé+b")
    }

    func testJSONBody_ParsesTheBody() throws {
        let request = HTTPRequest(method: "POST", target: "/", body: Array(#"{"a":[1]}"#.utf8))
        XCTAssertEqual(try request.jsonBody(), ["a": [1]])
    }

    func testJSONBody_EmptyOrMalformed_Throws400WithReason() {
        for body in ["", "{"] {
            let request = HTTPRequest(method: "POST", target: "/", body: Array(body.utf8))
            XCTAssertThrowsError(try request.jsonBody()) { error in
                let response = (error as? HTTPResponseError)?.response
                XCTAssertEqual(response?.status, 400)
                XCTAssertNotNil(response.flatMap { try? JSON(parsing: $0.body) }?["reason"]?.stringValue)
            }
        }
    }
}
