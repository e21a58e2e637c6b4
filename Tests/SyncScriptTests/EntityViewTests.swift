import SyncScript
import TandemJSON
import XCTest

/// `issue` / `entity`: the entity JSON with its fields as members, read-only
/// in outgoing scripts and recording in incoming ones.
final class EntityViewTests: XCTestCase {
    private let entity: JSON = [
        "id": "10001", "key": "SUP-12", "type": "issue", "url": "http://jira/browse/SUP-12",
        "updated": "2026-11-22T08:00:00.000Z",
        "fields": ["summary": "Printer on fire", "status": ["id": "3", "name": "In Progress"],
                   "labels": ["hw"], "assignee": .null],
        "comments": [["id": "100", "body": "hello"]],
        "attachments": [],
    ]

    /// Runs `source` with `issue` and `entity` bound to one view; returns the
    /// replica and the view.
    @discardableResult
    private func run(_ source: String, mode: EntityView.Mode) throws -> (replica: JSON?, view: EntityView) {
        let run = ScriptRun(try Script(source: source, file: "t.sync"))
        let view = EntityView(entity, mode: mode)
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("replica", .object([:]))
        try run.run()
        return (try run.value("replica"), view)
    }

    private func message(_ source: String, mode: EntityView.Mode) -> String? {
        do { try run(source, mode: mode) } catch let error as ScriptError { return error.message } catch { return "\(error)" }
        return nil
    }

    func testFields_readAsMembersBesideTopLevelMembers() throws {
        let result = try run("""
            replica.out = [issue.key, issue.id, issue.url, issue.type, issue.updated, issue.summary,
                           issue.status.name, issue.comments.size(), issue.attachments.size()]
            """, mode: .readOnly)
        XCTAssertEqual(result.replica?["out"], ["SUP-12", "10001", "http://jira/browse/SUP-12", "issue",
                                                "2026-11-22T08:00:00.000Z", "Printer on fire", "In Progress", 1, 0])
    }

    func testEntity_isAnAliasOfIssue() throws {
        let result = try run("replica.same = entity.summary == issue.summary && entity.key == 'SUP-12'", mode: .readOnly)
        XCTAssertEqual(result.replica?["same"], true)
    }

    func testMissingMember_readsAsNullSoSafeNavigationWorks() throws {
        let result = try run("replica.a = issue.nothing\nreplica.b = issue.assignee?.email ?: 'none'", mode: .readOnly)
        XCTAssertEqual(result.replica?["a"], .null)
        XCTAssertEqual(result.replica?["b"], "none")
    }

    func testMemberOfANullField_isARuntimeError() {
        XCTAssertEqual(message("replica.a = issue.assignee.email", mode: .readOnly), "null has no member 'email'")
    }

    func testOutgoingAssignment_isARuntimeError() {
        XCTAssertEqual(message("issue.summary = 'x'", mode: .readOnly),
                       "issue is read-only in an outgoing script; set replica.summary instead")
    }

    func testIncomingAssignment_isRecordedAsAFieldChange() throws {
        let view = try run("issue.summary = 'New title'\nissue.status = 'Done'", mode: .recording).view
        XCTAssertEqual(view.changes, ["fields": ["summary": "New title", "status": "Done"]])
    }

    func testIncomingRead_afterAssignmentSeesTheNewValue() throws {
        let result = try run("issue.summary = 'New'\nreplica.seen = issue.summary", mode: .recording)
        XCTAssertEqual(result.replica?["seen"], "New")
    }

    func testIncomingAssignment_ofTheCurrentValueIsNotAChange() throws {
        let view = try run("issue.summary = 'Printer on fire'", mode: .recording).view
        XCTAssertEqual(view.changes, ["fields": [:]])
    }

    func testIncomingInPlaceEdit_isRecorded() throws {
        let view = try run("issue.labels.add('urgent')\nissue.status.name = 'Done'", mode: .recording).view
        XCTAssertEqual(view.changes, ["fields": ["labels": ["hw", "urgent"], "status": ["id": "3", "name": "Done"]]])
    }

    func testIncomingComments_recordOnlyTheOnesToAdd() throws {
        let view = try run("issue.comments = issue.comments + [[body: 'new one']]", mode: .recording).view
        XCTAssertEqual(view.changes, ["fields": [:], "comments": [["body": "new one"]]])
    }

    func testIncomingId_cannotBeSet() {
        XCTAssertEqual(message("issue.key = 'X-1'", mode: .recording), "issue.key cannot be set by a script")
    }

    func testHostHelpers_seeTheIssueWithItsAssignments() throws {
        let run = ScriptRun(try Script(source: "issue.summary = 'Changed'\nseen = echo(issue)"))
        run.bind("issue", EntityView(entity, mode: .recording))
        run.bind("echo", function: { $0[0] })
        try run.run()
        XCTAssertEqual(try run.value("seen")?["fields"]?["summary"], "Changed")
        XCTAssertEqual(try run.value("seen")?["key"], "SUP-12")
    }

    func testIssueStoredInsideItself_isAnErrorNotACrash() {
        XCTAssertEqual(message("issue.self = [1]\nissue.self.add(issue)\nreplica.x = issue", mode: .recording),
                       "issue.self cannot be stored: issue contains itself and cannot be converted to JSON")
    }
}
