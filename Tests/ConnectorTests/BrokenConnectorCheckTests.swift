import Foundation
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// `tandem plugins check` against connectors with one real bug each
/// (Tests/Fixtures/connectors/broken_connector.c wrapping the Jira connector):
/// the check that owns the bug fails, saying what it expected and what it got.
final class BrokenConnectorCheckTests: XCTestCase {
    private let folder = TemporaryDirectory("tandem-broken")

    /// Builds the wrapper with `bug` (nil: no bug) and runs `checks` against a fresh Jira simulator.
    private func check(bug: String?, _ checks: [String]) throws -> [String: (status: String, reason: String)] {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "sync", password: "pw"))
        try simulator.start()
        defer { simulator.stop() }
        let plugin = try CCompiler.sdkConnector(
            [TestPaths.fixture("connectors/broken_connector.c")], output: folder.file("lib\(bug ?? "clean").so"),
            defines: ["INNER_PLUGIN=\"\(TestPaths.products)/libJiraLike.so\""] + (bug.map { [$0] } ?? []))
        let config = folder.file("config.json")
        let json: JSON = ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "pw"], "project": "SUP"]
        try Data(json.serialized()).write(to: URL(fileURLWithPath: config))
        let result = try ChildProcess.tandem(["plugins", "check", plugin, "--config", config, "--only", checks.joined(separator: ","), "--json"])
        let outcomes = try XCTUnwrap(JSON(parsing: result.stdout).arrayValue, result.stdout + result.stderr)
        var byName: [String: (String, String)] = [:]
        for outcome in outcomes {
            byName[outcome["name"]?.stringValue ?? ""] = (outcome["status"]?.stringValue ?? "", outcome["reason"]?.stringValue ?? "")
        }
        return byName
    }

    private func assertFails(_ bug: String, _ name: String, saying fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try XCTUnwrap(try check(bug: bug, [name])[name], file: file, line: line)
        XCTAssertEqual(outcome.status, "fail", outcome.reason, file: file, line: line)
        XCTAssertTrue(outcome.reason.contains(fragment), "reason: \(outcome.reason)", file: file, line: line)
    }

    func testTheWrapperWithoutABug_PassesEveryCheckTheBugsFail() throws {
        let checks = ["create-get", "search", "search-cursor", "lookup", "error-kinds", "thread-safety", "memory"]
        let outcomes = try check(bug: nil, checks)
        for name in checks {
            XCTAssertEqual(outcomes[name]?.status, "pass", "\(name): \(outcomes[name]?.reason ?? "missing")")
        }
    }

    func testTimesWithoutMilliseconds_FailCreateGet() throws {
        try assertFails("BREAK_TIME_MS", "create-get",
                        saying: "$.updated: expected ISO-8601 UTC with milliseconds like 2026-11-22T08:00:00.000Z, got")
    }

    func testRefsWithoutUpdated_FailSearch() throws {
        try assertFails("BREAK_REF_UPDATED", "search", saying: "(search.output.json): $.refs[0]: expected member \"updated\"")
    }

    func testSearchIgnoringTheOverlap_FailsSearchCursor() throws {
        try assertFails("BREAK_OVERLAP", "search-cursor", saying: "search from the saved cursor with overlapSeconds 60: expected entity")
    }

    func testACursorThatIsAlwaysNull_FailsSearchCursor() throws {
        try assertFails("BREAK_NULL_CURSOR", "search-cursor", saying: "expected a non-null cursor to save, got null")
    }

    func testLookupAlwaysNotFound_FailsLookup() throws {
        try assertFails("BREAK_LOOKUP", "lookup", saying: "(what create answered), got not-found")
    }

    func testCreateDroppingTheCorrelationID_FailsLookup() throws {
        try assertFails("BREAK_CORRELATION", "lookup", saying: "(what create answered), got not-found")
    }

    func testA422MappedToInternal_FailsErrorKinds() throws {
        try assertFails("BREAK_422_INTERNAL", "error-kinds", saying: "HTTP 422: expected invalid, got internal")
    }

    func testASharedStaticBufferDeclaredThreadSafe_FailsThreadSafety() throws {
        try assertFails("BREAK_SHARED_BUFFER", "thread-safety", saying: "expected what a serial get answered")
    }

    func testALeakPerCall_FailsMemory() throws {
        try assertFails("BREAK_LEAK", "memory", saying: "resident memory over 10000 gets: expected growth under 24 MB, got +")
    }
}
