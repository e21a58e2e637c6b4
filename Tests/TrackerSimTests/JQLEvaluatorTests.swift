@testable import TrackerSim
import XCTest
import TandemTime

final class JQLEvaluatorTests: XCTestCase {
    private let catalog = JiraCatalog(projectKey: "SUP", user: "admin")
    private let t0 = Timestamp.parseLiteral("2024-01-15 09:30")!

    private func issue(_ number: Int, status: String = "1", labels: [String] = [], updatedMinutes: Int64 = 0, remote: String? = nil) -> JiraIssue {
        JiraIssue(id: 10000 + number, key: "SUP-\(number)", projectID: "10000", issueTypeID: "10001", summary: "Issue \(number)",
                  description: nil, priorityID: "3", statusID: status, resolutionID: nil, assignee: nil, reporter: "admin",
                  labels: labels, dueDate: nil, created: t0, updated: t0 + updatedMinutes * 60_000,
                  customFields: remote.map { ["customfield_10010": "\"\($0)\""] } ?? [:], histories: [])
    }

    private func run(_ jql: String, _ issues: [JiraIssue]) throws -> [String] {
        let evaluator = JQLEvaluator(catalog: catalog, currentUser: "admin", nowMillis: t0)
        let query = try JQLParser.parse(jql)
        try evaluator.validate(query)
        return evaluator.sort(issues.filter { evaluator.matches($0, query.condition) }, by: query.orderBy).map(\.key)
    }

    func testStatus_MatchesNameIgnoringCase() throws {
        XCTAssertEqual(try run(#"status = "in progress""#, [issue(1), issue(2, status: "3")]), ["SUP-2"])
    }

    func testUpdatedSince_IncludesTheBoundaryMinute() throws {
        let issues = [issue(1, updatedMinutes: -1), issue(2, updatedMinutes: 0), issue(3, updatedMinutes: 5)]
        XCTAssertEqual(try run(#"updated >= "2024/01/15 09:30" ORDER BY updated ASC"#, issues), ["SUP-2", "SUP-3"])
    }

    func testUpdatedBefore_DashFormat_Works() throws {
        XCTAssertEqual(try run(#"updated < "2024-01-15 09:31""#, [issue(1), issue(2, updatedMinutes: 2)]), ["SUP-1"])
    }

    func testLabelsIn_MatchesAnyListed() throws {
        let issues = [issue(1, labels: ["a"]), issue(2, labels: ["b"]), issue(3, labels: ["c"])]
        XCTAssertEqual(try run("labels in (a, c) ORDER BY key", issues), ["SUP-1", "SUP-3"])
    }

    func testNotEquals_SkipsEmptyFields() throws {
        XCTAssertEqual(try run("labels != a", [issue(1, labels: ["a"]), issue(2, labels: ["b"]), issue(3)]), ["SUP-2"])
    }

    func testKeyComparison_IsNumericWithinProject() throws {
        XCTAssertEqual(try run("key > SUP-9 ORDER BY key", [issue(9), issue(10), issue(2)]), ["SUP-10"])
    }

    func testRemoteKeyByClauseNames_MatchesCustomField() throws {
        let issues = [issue(1, remote: "REM-1"), issue(2, remote: "REM-2")]
        XCTAssertEqual(try run("cf[10010] = REM-2", issues), ["SUP-2"])
        XCTAssertEqual(try run(#""Remote Key" ~ "rem-1""#, issues), ["SUP-1"])
    }

    func testNoOrderBy_NewestKeyFirst() throws {
        XCTAssertEqual(try run("project = SUP", [issue(1), issue(3), issue(2)]), ["SUP-3", "SUP-2", "SUP-1"])
    }

    func testOrderByUpdatedDescThenKey_BreaksTies() throws {
        let issues = [issue(1, updatedMinutes: 1), issue(2, updatedMinutes: 1), issue(3, updatedMinutes: 0)]
        XCTAssertEqual(try run("project = SUP ORDER BY updated DESC, key ASC", issues), ["SUP-1", "SUP-2", "SUP-3"])
    }

    func testRelativeDate_CountsBackFromNow() throws {
        XCTAssertEqual(try run("updated >= -1d", [issue(1, updatedMinutes: -2000), issue(2, updatedMinutes: -10)]), ["SUP-2"])
    }

    func testUnknownField_IsRejected() {
        XCTAssertThrowsError(try run("bogus = 1", []))
    }

    func testBadDate_IsRejected() {
        XCTAssertThrowsError(try run(#"updated >= "yesterday""#, []))
    }
}
