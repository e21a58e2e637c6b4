import TandemTime
import XCTest

/// The time forms the node, the connectors and the simulators share.
final class TimestampTests: XCTestCase {
    func testJiraAndServiceNowFormsOfOneInstant() {
        let millis = Timestamp.parseLiteral("2024-01-15 09:19:44")! + 990
        XCTAssertEqual(Timestamp.jira(millis), "2024-01-15T09:19:44.990+0000")
        XCTAssertEqual(Timestamp.spaced(millis), "2024-01-15 09:19:44")
        XCTAssertEqual(Timestamp.iso(millis), "2024-01-15T09:19:44.990Z")
    }

    func testEveryWrittenFormParsesBackToTheSameInstant() {
        let millis: Int64 = 1_705_310_384_990
        XCTAssertEqual(Timestamp.parse(Timestamp.iso(millis)), millis)
        XCTAssertEqual(Timestamp.parse(Timestamp.jira(millis)), millis)
        XCTAssertEqual(Timestamp.parse(Timestamp.spaced(millis)), millis - 990)
    }

    func testFractionsBeyondMillisecondsAreCutNotACrash() {
        XCTAssertEqual(Timestamp.parse("2024-01-15T09:19:44.1234Z"), Timestamp.parse("2024-01-15T09:19:44.123Z"))
        XCTAssertEqual(Timestamp.parse("2024-01-15T09:19:44.990123456+0000"), Timestamp.parse("2024-01-15T09:19:44.990Z"))
    }

    func testOffsetsMoveTheInstant() {
        XCTAssertEqual(Timestamp.parse("2024-01-15T10:19:44.990+01:00"), Timestamp.parse("2024-01-15T09:19:44.990Z"))
        XCTAssertEqual(Timestamp.parse("2024-01-15T08:19:44-0100"), Timestamp.parse("2024-01-15T09:19:44Z"))
    }

    func testQueryLiteralsAcceptSlashesDashesAndBareDates() {
        XCTAssertEqual(Timestamp.parseLiteral("2024/01/15 09:19"), Timestamp.parse("2024-01-15T09:19:00Z"))
        XCTAssertEqual(Timestamp.parseLiteral(" 2024-01-15 "), Timestamp.parse("2024-01-15T00:00:00Z"))
    }

    func testQueryLiteralsRejectImpossibleDates() {
        XCTAssertNil(Timestamp.parseLiteral("2024/13/01 10:00"))
        XCTAssertNil(Timestamp.parseLiteral("2024/01/01 25:00"))
        XCTAssertNil(Timestamp.parseLiteral("soon"))
    }

    func testInstantsBeforeTheEpochFloorToTheirSecond() {
        XCTAssertEqual(Timestamp.iso(-1), "1969-12-31T23:59:59.999Z")
    }

    func testTheWallClockIsAfterThisCodeWasWritten() {
        XCTAssertGreaterThan(Timestamp.now(), 1_764_000_000_000)
        XCTAssertLessThanOrEqual(Timestamp.monotonicSeconds(), Timestamp.monotonicSeconds())
    }
}
