import Foundation
import TandemJSON
import XCTest

/// Realistic Jira ↔ ServiceNow scripts (Fixtures/corpus/<case>/) run through
/// the real `tandem script test` command.
///
/// A case folder holds `outgoing.sync` or `incoming.sync`, `entity.json`,
/// optionally `replica.json` and `previous.json`, and either `expected.json`
/// (compared as JSON with what the command prints) or `expected-error.txt`
/// (the command must fail and print that text).
final class CorpusTests: XCTestCase {
    static let cases = [
        "jira-outgoing", "jira-outgoing-compact", "servicenow-outgoing",
        "jira-incoming", "jira-incoming-first-sync", "jira-incoming-changed-only",
        "jira-incoming-status-fallback", "jira-incoming-comment-merge", "jira-incoming-attachments",
        "servicenow-incoming", "servicenow-incoming-unassign", "servicenow-incoming-missing-summary",
    ]

    func testJiraOutgoing_sendsPublicFieldsAndComments() throws { try check("jira-outgoing") }
    func testJiraOutgoingCompact_flattensAndTruncates() throws { try check("jira-outgoing-compact") }
    func testServiceNowOutgoing_mapsStateAndPriorityMatrix() throws { try check("servicenow-outgoing") }
    func testJiraIncoming_appliesStatusPriorityAssigneeAndComments() throws { try check("jira-incoming") }
    func testJiraIncomingFirstSync_choosesProjectAndIssueType() throws { try check("jira-incoming-first-sync") }
    func testJiraIncomingChangedOnly_appliesOnlyWhatChangedSincePrevious() throws { try check("jira-incoming-changed-only") }
    func testJiraIncomingStatusFallback_keepsStatusForUnknownState() throws { try check("jira-incoming-status-fallback") }
    func testJiraIncomingCommentMerge_addsOnlyMissingComments() throws { try check("jira-incoming-comment-merge") }
    func testJiraIncomingAttachments_addsMissingSmallFiles() throws { try check("jira-incoming-attachments") }
    func testServiceNowIncoming_mapsStatusPriorityAndAssignee() throws { try check("servicenow-incoming") }
    func testServiceNowIncomingUnassign_clearsAssigneeWhenJiraDid() throws { try check("servicenow-incoming-unassign") }
    func testServiceNowIncomingMissingSummary_failsWithTheDebugError() throws {
        try check("servicenow-incoming-missing-summary")
    }

    func testCorpus_everyCaseFolderIsListed() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertEqual(folders, Self.cases.sorted())
    }

    // MARK: - Running a case

    private var corpus: URL { GoldenScript.fixtures.appendingPathComponent("corpus") }

    private func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = corpus.appendingPathComponent(name)
        let has = { (file: String) in FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) }
        let incoming = has("incoming.sync")
        var arguments = ["script", "test", "--script", incoming ? "incoming.sync" : "outgoing.sync",
                         "--entity", "entity.json", "--direction", incoming ? "incoming" : "outgoing"]
        if has("replica.json") { arguments += ["--replica", "replica.json"] }
        if has("previous.json") { arguments += ["--previous", "previous.json"] }

        let (status, stdoutText, stderr) = try TandemProcess.run(arguments, in: folder)
        let stdout = Data(stdoutText.utf8)

        if has("expected-error.txt") {
            let expected = try String(contentsOf: folder.appendingPathComponent("expected-error.txt"), encoding: .utf8)
            XCTAssertEqual(status, 1, "\(name): exit status", file: file, line: line)
            XCTAssertTrue(stderr.contains(expected.trimmingCharacters(in: .newlines)),
                          "\(name): stderr was\n\(stderr)", file: file, line: line)
            XCTAssertTrue(stdout.isEmpty, "\(name): nothing on stdout", file: file, line: line)
            return
        }
        XCTAssertEqual(status, 0, "\(name): failed with\n\(stderr)", file: file, line: line)
        let expected = try JSON(parsing: Array(try Data(contentsOf: folder.appendingPathComponent("expected.json"))))
        let actual = try JSON(parsing: Array(stdout))
        XCTAssertEqual(actual, expected, "\(name): printed \(actual.text)", file: file, line: line)
    }
}
