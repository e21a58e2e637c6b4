@testable import NodeHost
import XCTest

/// A line repeated in a loop is written once per interval, with the count of
/// those left out; nothing is silently dropped.
final class LogCollapserTests: XCTestCase {
    private let line = LogCollapser.Line(level: .error, message: "store write failed: disk full", connection: "sup", entity: nil)

    func testARepeatedLine_IsWrittenOnce_ThenSummedUpWhenItsWindowHasPassed() {
        var collapser = LogCollapser()
        XCTAssertTrue(collapser.admit(line, now: 0).write)
        for millisecond in 1...5_000 { XCTAssertFalse(collapser.admit(line, now: Int64(millisecond)).write) }
        let after = collapser.admit(line, now: 10_000)
        XCTAssertTrue(after.write, "a new window starts with the line itself")
        XCTAssertEqual(after.ended.map(\.message), ["store write failed: disk full … repeated 5,000 times in the last 10 s"])
    }

    func testASummaryComesWithTheNextLineOfAnyKind_OnceTheWindowHasPassed() {
        var collapser = LogCollapser()
        _ = collapser.admit(line, now: 0)
        _ = collapser.admit(line, now: 10)
        let other = LogCollapser.Line(level: .info, message: "something else", connection: nil, entity: nil)
        XCTAssertEqual(collapser.admit(other, now: 12_000).ended.map(\.count), [1])
    }

    func testLinesOfOtherEntities_AreNotCollapsed() {
        var collapser = LogCollapser()
        var second = line
        second.entity = "SUP-2"
        XCTAssertTrue(collapser.admit(line, now: 0).write)
        XCTAssertTrue(collapser.admit(second, now: 1).write)
    }
}
