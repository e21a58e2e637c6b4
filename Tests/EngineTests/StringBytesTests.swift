@testable import NodeHost
import XCTest

/// `String.containsBytes`: a byte-for-byte substring test.
final class StringBytesTests: XCTestCase {
    func testFindsANeedleAnywhere_AndNothingThatIsNotThere() {
        XCTAssertTrue("{\"msg\":\"token s3cr3t!\"}".containsBytes("s3cr3t"))
        XCTAssertTrue("/a/../b".containsBytes("/../"))
        XCTAssertFalse("/a/b/..c".containsBytes("/../"))
        XCTAssertFalse("short".containsBytes("longer than short"))
    }

    func testComparesBytes_NotCharacters() {
        XCTAssertTrue("café".containsBytes("é"))
        XCTAssertFalse("cafe\u{301}".containsBytes("é"), "a decomposed é is other bytes")
    }

    func testAnEmptyNeedle_IsInEveryString() {
        XCTAssertTrue("".containsBytes(""))
        XCTAssertTrue("x".containsBytes(""))
    }
}
