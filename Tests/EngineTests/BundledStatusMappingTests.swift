@testable import NodeHost
import SyncScript
import TandemJSON
import TestSupport
import XCTest

/// The bundled Jira ⇄ ServiceNow incoming scripts write status and priority
/// whenever the two sides disagree, whatever `previous` says, and leave an
/// equivalent local choice alone.
///
/// The race (history checker, contended pairs, local-wins on blue): Jira
/// went Done and blue sent it; ServiceNow went New meanwhile and blue kept
/// Done (local-wins). Green's copy of Done never stuck, and every later Jira
/// replica said Done with `previous` Done, so a script comparing with
/// `previous` wrote nothing and the incident stayed New.
final class BundledStatusMappingTests: XCTestCase {
    private func changes(_ script: String, issue: JSON, replica: JSON, previous: JSON) throws -> JSON {
        let path = TestPaths.packageRoot + "/examples/jira-servicenow/" + script
        let run = ScriptRun(try Script(source: try String(contentsOfFile: path, encoding: .utf8), file: path))
        let view = EntityView(["id": "1", "fields": issue, "comments": [], "attachments": []], mode: .recording)
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("replica", replica)
        run.bind("previous", previous)
        run.bind("firstSync", false)
        let host = DryRunScriptHost { _, _ in }
        ScriptHelpers.bindLogAndDebug(into: run, host: host)
        ScriptHelpers.bindIncoming(into: run, host: host)
        try run.run()
        return view.changes["fields"] ?? [:]
    }

    private let incident: JSON = ["short_description": "s", "description": "",
                                  "state": ["id": "1", "name": "New"], "priority": ["id": "4", "name": "4 - Low"]]
    private let issue: JSON = ["summary": "s", "description": "",
                               "status": ["id": "3", "name": "In Progress"], "priority": ["id": "4", "name": "Low"]]

    func testJiraDone_ReachesANewIncident_EvenWhenThePreviousReplicaSaidDone() throws {
        let fields = try changes("servicenow-incoming.sync", issue: incident,
                                 replica: ["summary": "s", "description": "", "status": "Done", "priority": "Low"],
                                 previous: ["status": "Done", "priority": "Low"])
        XCTAssertEqual(fields["state"], "Resolved")
        XCTAssertNotNil(fields["close_code"], "ServiceNow's data policy: a resolved incident needs a close code")
    }

    func testJiraHighest_ReachesALowIncident_EvenWhenThePreviousReplicaSaidHighest() throws {
        let fields = try changes("servicenow-incoming.sync", issue: incident,
                                 replica: ["summary": "s", "description": "", "status": "To Do", "priority": "Highest"],
                                 previous: ["status": "To Do", "priority": "Highest"])
        XCTAssertEqual(fields["priority"], "1 - Critical")
    }

    func testJiraInProgress_LeavesAnIncidentOnHold() throws {
        var onHold = incident
        onHold["state"] = ["id": "3", "name": "On Hold"]
        let fields = try changes("servicenow-incoming.sync", issue: onHold,
                                 replica: ["summary": "s", "description": "", "status": "In Progress", "priority": "Low"],
                                 previous: ["status": "To Do", "priority": "Low"])
        XCTAssertNil(fields["state"], "On Hold stands for In Progress: a local choice the map must not undo")
    }

    func testServiceNowResolved_ReachesAnIssueInProgress_EvenWhenThePreviousReplicaSaidResolved() throws {
        let fields = try changes("jira-incoming.sync", issue: issue,
                                 replica: ["short_description": "s", "description": "", "state": "Resolved", "priority": "4 - Low"],
                                 previous: ["state": "Resolved", "priority": "4 - Low"])
        XCTAssertEqual(fields["status"], "Done")
    }

    func testServiceNowClosed_LeavesADoneIssue() throws {
        var done = issue
        done["status"] = ["id": "10001", "name": "Done"]
        let fields = try changes("jira-incoming.sync", issue: done,
                                 replica: ["short_description": "s", "description": "", "state": "Closed", "priority": "4 - Low"],
                                 previous: ["state": "Resolved", "priority": "4 - Low"])
        XCTAssertNil(fields["status"])
        XCTAssertNil(fields["priority"])
    }
}
