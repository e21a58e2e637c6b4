import TandemHTTP
import XCTest

final class HTTPHeadersTests: XCTestCase {
    func testSubscript_IsCaseInsensitive() {
        let headers: HTTPHeaders = ["Content-Type": "application/json"]
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertNil(headers["Content-Length"])
    }

    func testSettingSubscript_ReplacesAllFieldsOfThatName() {
        var headers = HTTPHeaders()
        headers.add("Link", "<a>")
        headers.add("X", "1")
        headers.add("link", "<b>")
        headers["LINK"] = "<c>"
        XCTAssertEqual(headers.map(\.name), ["LINK", "X"])
        XCTAssertEqual(headers.values("Link"), ["<c>"])
    }

    func testSettingNil_RemovesTheField() {
        var headers: HTTPHeaders = ["A": "1", "B": "2"]
        headers["a"] = nil
        XCTAssertEqual(headers.map(\.name), ["B"])
    }

    func testAdd_KeepsRepeatedFieldsInOrder() {
        var headers = HTTPHeaders()
        headers.add("Set-Cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        XCTAssertEqual(headers.values("set-cookie"), ["a=1", "b=2"])
        XCTAssertEqual(headers["Set-Cookie"], "a=1")
    }
}
