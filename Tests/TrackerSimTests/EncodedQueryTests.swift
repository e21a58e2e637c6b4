@testable import TrackerSim
import XCTest

final class EncodedQueryTests: XCTestCase {
    private let evaluator = EncodedQueryEvaluator(knownFields: ["number", "state", "short_description", "sys_updated_on", "priority", "assigned_to"])
    private let rows: [[String: String]] = [
        ["number": "INC0010001", "state": "1", "short_description": "Printer on fire", "sys_updated_on": "2024-01-15 09:00:00", "priority": "3", "assigned_to": ""],
        ["number": "INC0010002", "state": "2", "short_description": "VPN down", "sys_updated_on": "2024-01-15 10:00:00", "priority": "1", "assigned_to": "abc"],
        ["number": "INC0010003", "state": "6", "short_description": "printer jam", "sys_updated_on": "2024-01-16 08:00:00", "priority": "5", "assigned_to": ""],
    ]

    private func numbers(_ text: String) throws -> [String] {
        let query = try EncodedQueryParser.parse(text)
        return evaluator.sort(rows.filter { evaluator.matches($0, query) }, query.orderBy).map { $0["number"]! }
    }

    func testEquals_AndNotEquals() throws {
        XCTAssertEqual(try numbers("state=2"), ["INC0010002"])
        XCTAssertEqual(try numbers("state!=2"), ["INC0010001", "INC0010003"])
    }

    func testComparisons_OnDatetimesAndNumbers() throws {
        XCTAssertEqual(try numbers("sys_updated_on>=2024-01-15 10:00:00"), ["INC0010002", "INC0010003"])
        XCTAssertEqual(try numbers("sys_updated_on>2024-01-15 10:00:00"), ["INC0010003"])
        XCTAssertEqual(try numbers("priority<3"), ["INC0010002"])
        XCTAssertEqual(try numbers("priority<=3"), ["INC0010001", "INC0010002"])
    }

    func testLikeAndStartsWith_IgnoreCase() throws {
        XCTAssertEqual(try numbers("short_descriptionLIKEprinter"), ["INC0010001", "INC0010003"])
        XCTAssertEqual(try numbers("short_descriptionSTARTSWITHvpn"), ["INC0010002"])
        XCTAssertEqual(try numbers("short_descriptionNOT LIKEprinter"), ["INC0010002"])
    }

    func testIn_MatchesListedValues() throws {
        XCTAssertEqual(try numbers("stateIN1,6"), ["INC0010001", "INC0010003"])
        XCTAssertEqual(try numbers("stateNOT IN1,6"), ["INC0010002"])
    }

    func testCaretIsAnd_CaretOrJoinsWithPreviousTerm() throws {
        XCTAssertEqual(try numbers("state=1^ORstate=6^short_descriptionLIKEjam"), ["INC0010003"])
    }

    func testNewQuery_IsOredWithTheFirst() throws {
        XCTAssertEqual(try numbers("state=1^NQstate=2"), ["INC0010001", "INC0010002"])
    }

    func testOrderByDesc_Sorts() throws {
        XCTAssertEqual(try numbers("ORDERBYDESCsys_updated_on"), ["INC0010003", "INC0010002", "INC0010001"])
        XCTAssertEqual(try numbers("stateIN1,2,6^ORDERBYpriority"), ["INC0010002", "INC0010001", "INC0010003"])
    }

    func testEmptyChecks() throws {
        XCTAssertEqual(try numbers("assigned_toISEMPTY"), ["INC0010001", "INC0010003"])
        XCTAssertEqual(try numbers("assigned_toISNOTEMPTY"), ["INC0010002"])
    }

    func testBetween_IsInclusive() throws {
        XCTAssertEqual(try numbers("priorityBETWEEN1@3"), ["INC0010001", "INC0010002"])
    }

    func testUnknownField_IsIgnored() throws {
        XCTAssertEqual(try numbers("bogus=1^state=2"), ["INC0010002"])
    }

    func testDateGenerate_BecomesDatetime() throws {
        XCTAssertEqual(try numbers("sys_updated_on>=javascript:gs.dateGenerate('2024-01-16','start')"), ["INC0010003"])
    }

    func testOtherJavascript_IsRejected() {
        XCTAssertThrowsError(try EncodedQueryParser.parse("state=javascript:doEvil()"))
    }

    func testMissingOperator_IsRejected() {
        XCTAssertThrowsError(try EncodedQueryParser.parse("state"))
    }

    func testDoubleCaret_IsLiteralCaret() throws {
        let query = try EncodedQueryParser.parse("short_description=a^^b")
        XCTAssertEqual(query.queries, [[[.init(field: "short_description", op: .equals, value: "a^b")]]])
    }
}
