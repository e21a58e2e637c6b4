import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The whole exchange with both Jira flavours: the simulator plays Jira Data
/// Center or Jira Cloud (`--flavor cloud`: no `/search`, no `username=`,
/// accountIds, redirected downloads), and internal comments stay internal
/// both ways (ServiceNow work notes ↔ Jira `jsdPublic: false`).
final class JiraFlavourEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    private func start(cloud: Bool) throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.jiraFlags = ["--flavor", cloud ? "cloud" : "datacenter"]
        deployment = try SyncDeployment.local(options)
    }

    private func syncedPair(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        XCTAssertTrue(try eventually(timeout: 10) { try deployment.serviceNow.incident(shortDescription: summary) != nil }, deployment.logs)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue)
        return (key, sysID)
    }

    func testCloud_CreateEditCommentAttachmentAndStatusFlowBothWays_WithoutRemovedCalls() throws {
        try start(cloud: true)
        let (key, sysID) = try syncedPair("Cloud two-way")

        try deployment.jira.editIssue(key, ["summary": "Cloud two-way, edited in Jira"])
        try deployment.jira.commentIssue(key, "hello from Jira Cloud")
        try deployment.jira.transitionIssue(key, to: "In Progress")
        let bytes = Array("cloud attachment bytes".utf8)
        try deployment.jira.attachToIssue(key, filename: "cloud.txt", bytes: bytes)
        XCTAssertTrue(try eventually(timeout: 20) {
            let current = try deployment.serviceNow.incident(shortDescription: "Cloud two-way, edited in Jira")
            let comments = try deployment.serviceNow.incidentComments(sysID)
            let attachments = try deployment.serviceNow.incidentAttachments(sysID)
            return current?["state"]?.stringValue == "In Progress" && comments.contains { $0.hasSuffix("hello from Jira Cloud") }
                && attachments.contains { $0["file_name"]?.stringValue == "cloud.txt" }
        }, deployment.logs)
        let arrived = try XCTUnwrap(try deployment.serviceNow.incidentAttachments(sysID).first { $0["file_name"]?.stringValue == "cloud.txt" })
        XCTAssertEqual(try deployment.serviceNow.serviceNowAttachmentBytes(try XCTUnwrap(arrived["sys_id"]?.stringValue)), bytes,
                       "the bytes behind Cloud's redirecting content URL")

        try deployment.serviceNow.updateIncident(sysID, ["short_description": "Cloud two-way, edited in ServiceNow",
                                                         "comments": "hello from ServiceNow", "state": "6",
                                                         "close_code": "Solved (Permanently)", "close_notes": "fixed"])
        XCTAssertTrue(try eventually(timeout: 20) {
            let issue = try deployment.jira.issue(key)
            let comments = try deployment.jira.issueComments(key)
            return issue["fields"]?["summary"]?.stringValue == "Cloud two-way, edited in ServiceNow"
                && issue["fields"]?["status"]?["name"]?.stringValue == "Done"
                && comments.contains { $0.hasSuffix("hello from ServiceNow") }
        }, deployment.logs)

        let stats = try deployment.jira.simulatorStats()
        XCTAssertEqual(stats["legacySearches"], 0, "the node used the /search Cloud removed")
        XCTAssertEqual(stats["usernameLookups"], 0, "the node looked a user up by username=, which Cloud refuses")
    }

    func testInternalComments_StayInternalBothWays_OnBothFlavours() throws {
        for cloud in [false, true] {
            try start(cloud: cloud)
            let (key, sysID) = try syncedPair("Confidential \(cloud)")

            try deployment.jira.commentIssueInternally(key, "agents only, from Jira")
            try deployment.serviceNow.updateIncident(sysID, ["work_notes": "agents only, from ServiceNow"])

            XCTAssertTrue(try eventually(timeout: 20) {
                let notes = try deployment.serviceNow.incidentWorkNotes(sysID)
                let comments = try deployment.jira.issueCommentVisibility(key)
                return notes.contains { $0.hasSuffix("agents only, from Jira") } && comments.contains { $0.body.hasSuffix("agents only, from ServiceNow") }
            }, "cloud: \(cloud)\n" + deployment.logs)
            XCTAssertFalse(try deployment.serviceNow.incidentComments(sysID).contains { $0.contains("agents only") },
                           "an internal Jira comment became a customer-visible ServiceNow comment (cloud: \(cloud))")
            let jiraComments = try deployment.jira.issueCommentVisibility(key)
            XCTAssertTrue(jiraComments.filter { $0.body.contains("agents only") }.allSatisfy(\.internal),
                          "a work note became a public Jira comment (cloud: \(cloud)): \(jiraComments)")
            deployment.stop()
            deployment = nil
        }
    }
}
