@testable import TrackerSim
import XCTest

final class JQLParserTests: XCTestCase {
    func testParse_SingleClause_GivesFieldOperatorValue() throws {
        let query = try JQLParser.parse("project = SUP")
        XCTAssertEqual(query.condition, .clause(field: "project", op: .equals, values: [.literal("SUP")]))
        XCTAssertEqual(query.orderBy, [])
    }

    func testParse_AndBindsTighterThanOr() throws {
        let query = try JQLParser.parse("a = 1 OR b = 2 AND c = 3")
        XCTAssertEqual(query.condition, .or(.clause(field: "a", op: .equals, values: [.literal("1")]),
                                            .and(.clause(field: "b", op: .equals, values: [.literal("2")]),
                                                 .clause(field: "c", op: .equals, values: [.literal("3")]))))
    }

    func testParse_Parentheses_Group() throws {
        let query = try JQLParser.parse("(a = 1 OR b = 2) AND c = 3")
        guard case .and(.or, .clause)? = query.condition else { return XCTFail("\(String(describing: query.condition))") }
    }

    func testParse_QuotedValuesAndFieldNames_KeepSpaces() throws {
        let query = try JQLParser.parse(#"status = "In Progress" AND "Remote Key" ~ 'REM-1'"#)
        XCTAssertEqual(query.condition, .and(.clause(field: "status", op: .equals, values: [.literal("In Progress")]),
                                             .clause(field: "remote key", op: .contains, values: [.literal("REM-1")])))
    }

    func testParse_InList_CollectsValues() throws {
        let query = try JQLParser.parse("labels in (a, \"b c\", d) and key not in (SUP-1)")
        XCTAssertEqual(query.condition, .and(.clause(field: "labels", op: .in, values: [.literal("a"), .literal("b c"), .literal("d")]),
                                             .clause(field: "key", op: .notIn, values: [.literal("SUP-1")])))
    }

    func testParse_DateComparison_KeepsLiteral() throws {
        let query = try JQLParser.parse(#"updated >= "2024/01/15 09:30""#)
        XCTAssertEqual(query.condition, .clause(field: "updated", op: .greaterOrEqual, values: [.literal("2024/01/15 09:30")]))
    }

    func testParse_OrderBy_ReadsFieldsAndDirections() throws {
        let query = try JQLParser.parse("project = SUP ORDER BY updated DESC, key asc")
        XCTAssertEqual(query.orderBy, [.init(field: "updated", ascending: false), .init(field: "key", ascending: true)])
    }

    func testParse_OnlyOrderBy_HasNoCondition() throws {
        let query = try JQLParser.parse("order by updated")
        XCTAssertNil(query.condition)
        XCTAssertEqual(query.orderBy, [.init(field: "updated", ascending: true)])
    }

    func testParse_IsEmptyAndFunction_AreSpecialValues() throws {
        let query = try JQLParser.parse("assignee is EMPTY or assignee = currentUser()")
        XCTAssertEqual(query.condition, .or(.clause(field: "assignee", op: .is, values: [.empty]),
                                            .clause(field: "assignee", op: .equals, values: [.function("currentuser")])))
    }

    func testParse_CustomFieldReference_KeepsBrackets() throws {
        let query = try JQLParser.parse("cf[10010] = REM-7")
        XCTAssertEqual(query.condition, .clause(field: "cf[10010]", op: .equals, values: [.literal("REM-7")]))
    }

    func testParse_MissingValue_Throws() {
        XCTAssertThrowsError(try JQLParser.parse("project = "))
    }

    func testParse_UnterminatedQuote_Throws() {
        XCTAssertThrowsError(try JQLParser.parse("summary ~ \"oops"))
    }

    func testParse_TrailingGarbage_Throws() {
        XCTAssertThrowsError(try JQLParser.parse("project = SUP SUP"))
    }

    func testParse_MissingCloseParenthesis_Throws() {
        XCTAssertThrowsError(try JQLParser.parse("(project = SUP"))
    }
}
