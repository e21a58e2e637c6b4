import Foundation
import TandemJSON
import TestSupport
import XCTest

/// An attachment that is the last change of its record still syncs. In
/// ServiceNow attaching a file inserts a `sys_attachment` row and leaves the
/// incident untouched (no `sys_updated_on`, no business rule on incident), so
/// the node must learn of it from the attachment itself: the change notice on
/// `sys_attachment`, or a poll of `sys_attachment`.
final class AttachmentAloneEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// An incident created in ServiceNow and its Jira twin, both synced.
    private func incidentSyncedToJira(_ summary: String) throws -> (key: String, sysID: String) {
        let sysID = try XCTUnwrap(try deployment.serviceNow.createIncident(summary)["sys_id"]?.stringValue)
        var key: String?
        XCTAssertTrue(try eventually(timeout: 30) {
            key = try deployment.jira.searchIssues("project = SUP").first { $0["fields"]?["summary"]?.stringValue == summary }?["key"]?.stringValue
            return key != nil
        }, deployment.logs)
        return (try XCTUnwrap(key), sysID)
    }

    /// A Jira issue and its ServiceNow twin, both synced.
    private func issueSyncedToServiceNow(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: summary) != nil }, deployment.logs)
        return (key, try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue))
    }

    private func pollingOnly() -> SyncDeployment.Options { SyncDeployment.Options(webhooks: false, pollSeconds: 0.5) }

    func testAttachmentAddedInServiceNowWithNoLaterChange_ReachesJiraByTheChangeNotice() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try incidentSyncedToJira("Attached last, webhook")

        try deployment.serviceNow.attachToIncident(sysID, filename: "last.txt", bytes: Array("attached as the last change".utf8))

        XCTAssertTrue(try eventually(timeout: 30) { try !deployment.jira.issueAttachments(key).isEmpty }, deployment.logs)
        let arrived = try XCTUnwrap(try deployment.jira.issueAttachments(key).first)
        XCTAssertEqual(arrived["filename"]?.stringValue, "last.txt")
        XCTAssertEqual(try deployment.jira.jiraAttachmentBytes(try XCTUnwrap(arrived["id"]?.stringValue)), Array("attached as the last change".utf8))
    }

    func testAttachmentAddedInServiceNowWithNoLaterChange_ReachesJiraByPollingAlone() throws {
        deployment = try SyncDeployment.local(pollingOnly())
        let (key, sysID) = try incidentSyncedToJira("Attached last, polling")

        try deployment.serviceNow.attachToIncident(sysID, filename: "polled.txt", bytes: Array("found by the poll".utf8))

        XCTAssertTrue(try eventually(timeout: 30) { try !deployment.jira.issueAttachments(key).isEmpty }, deployment.logs)
        XCTAssertEqual(try deployment.jira.issueAttachments(key).first?["filename"]?.stringValue, "polled.txt")
    }

    func testAttachmentAddedInJiraWithNoLaterChange_ReachesServiceNowByPollingAlone() throws {
        deployment = try SyncDeployment.local(pollingOnly())
        let (key, sysID) = try issueSyncedToServiceNow("Attached last in Jira, polling")

        try deployment.jira.attachToIssue(key, filename: "from-jira.txt", bytes: Array("Jira moves updated".utf8))

        XCTAssertTrue(try eventually(timeout: 30) { try !deployment.serviceNow.incidentAttachments(sysID).isEmpty }, deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).first?["file_name"]?.stringValue, "from-jira.txt")
    }

    func testAttachmentAddedInJiraWithNoLaterChange_ReachesServiceNowByTheChangeNotice() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try issueSyncedToServiceNow("Attached last in Jira, webhook")

        try deployment.jira.attachToIssue(key, filename: "hooked.txt", bytes: Array("announced by jira:issue_updated".utf8))

        XCTAssertTrue(try eventually(timeout: 30) { try !deployment.serviceNow.incidentAttachments(sysID).isEmpty }, deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).first?["file_name"]?.stringValue, "hooked.txt")
    }

    func testAttachmentTheNodeUploadsToServiceNow_IsAnnouncedButNeverSentBackToJira() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 0.5))
        let (key, sysID) = try issueSyncedToServiceNow("Uploaded by the node")

        Thread.sleep(forTimeInterval: 1)  // the link's own replicas settle
        let appliedInJiraBefore = deployment.blue.stderr.components(separatedBy: "\"msg\":\"applied replica").count

        try deployment.jira.attachToIssue(key, filename: "once.txt", bytes: Array("one copy each side".utf8))
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incidentAttachments(sysID).count == 1 }, deployment.logs)
        // The upload's notice and the polls that see it run their course.
        Thread.sleep(forTimeInterval: 3)

        XCTAssertEqual(try deployment.jira.issueAttachments(key).count, 1, "the copy in ServiceNow is not a new attachment for Jira")
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 1)
        XCTAssertEqual(deployment.blue.stderr.components(separatedBy: "\"msg\":\"applied replica").count, appliedInJiraBefore,
                       "no replica goes back to Jira for the node's own upload: \(deployment.logs)")
    }
}
