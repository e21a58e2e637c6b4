import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The replica pipeline end to end: Jira simulator, ServiceNow simulator and two nodes as
/// four real processes on loopback; tracker state is asserted through the
/// simulators' own APIs.
final class ReplicaPipelineEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    private func incidentAppears(_ summary: String, within seconds: Double) throws -> JSON? {
        _ = try eventually(timeout: seconds) { try deployment.serviceNow.incident(shortDescription: summary) != nil }
        return try deployment.serviceNow.incident(shortDescription: summary)
    }

    func testIssueCreatedInJira_ArrivesInServiceNowWithin2Seconds_ByWebhook() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        _ = try deployment.jira.createIssue("Printer on fire", priority: "High")
        let incident = try XCTUnwrap(try incidentAppears("Printer on fire", within: 2), "not in ServiceNow within 2 s")
        XCTAssertEqual(incident["priority"]?.stringValue, "2 - High")
        XCTAssertEqual(incident["state"]?.stringValue, "New")
        XCTAssertEqual(incident["description"]?.stringValue, "from the end-to-end test")
    }

    func testIssueCreatedInJira_ArrivesInServiceNow_ByPollingWhenWebhooksAreOff() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: 0.5))
        _ = try deployment.jira.createIssue("Polled printer")
        XCTAssertNotNil(try incidentAppears("Polled printer", within: 10))
    }

    func testManualSync_SendsOneIssueWhenNoTriggerFires() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let key = try deployment.jira.createIssue("Manually synced")
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Manually synced"), "no trigger should have fired")
        let result = try deployment.run(["sync", key, "--connection", "sup-incidents"], node: "blue")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertNotNil(try incidentAppears("Manually synced", within: 5))
    }

    func testEditsCommentsAndStatusFlowBothWays_EachSideMapped() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let key = try deployment.jira.createIssue("Two-way")
        let incident = try XCTUnwrap(try incidentAppears("Two-way", within: 5))
        let sysID = try XCTUnwrap(incident["sys_id"]?.stringValue)

        // Jira → ServiceNow: edit, comment, status.
        try deployment.jira.editIssue(key, ["summary": "Two-way, edited in Jira"])
        try deployment.jira.commentIssue(key, "hello from Jira")
        try deployment.jira.transitionIssue(key, to: "In Progress")
        XCTAssertTrue(try eventually {
            let current = try deployment.serviceNow.incident(shortDescription: "Two-way, edited in Jira")
            let comments = try deployment.serviceNow.incidentComments(sysID)
            return current?["state"]?.stringValue == "In Progress" && comments.contains { $0.hasSuffix("hello from Jira") }
        }, deployment.logs)

        // ServiceNow → Jira: edit, comment, state.
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "Two-way, edited in ServiceNow",
                                                         "comments": "hello from ServiceNow", "state": "6",
                                                         "close_code": "Solved (Permanently)", "close_notes": "fixed"])
        XCTAssertTrue(try eventually {
            let issue = try deployment.jira.issue(key)
            let comments = try deployment.jira.issueComments(key)
            return issue["fields"]?["summary"]?.stringValue == "Two-way, edited in ServiceNow"
                && issue["fields"]?["status"]?["name"]?.stringValue == "Done"
                && comments.contains { $0.hasSuffix("hello from ServiceNow") }
        }, deployment.logs)

        // Each comment exists once on each side.
        XCTAssertEqual(try deployment.jira.issueComments(key).count, 2)
        XCTAssertEqual(try deployment.serviceNow.incidentComments(sysID).count, 2)
    }

    func testAfterTheExchangeSettles_NeitherTrackerReceivesAWriteFor5Seconds() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 1))
        let key = try deployment.jira.createIssue("Echo check")
        let incident = try XCTUnwrap(try incidentAppears("Echo check", within: 5))
        try deployment.jira.commentIssue(key, "one comment")
        try deployment.serviceNow.updateIncident(incident["sys_id"]!.stringValue!, ["comments": "one reply"])
        XCTAssertTrue(try eventually { try deployment.jira.issueComments(key).count == 2 })
        XCTAssertTrue(try eventually { try deployment.serviceNow.incidentComments(incident["sys_id"]!.stringValue!).count == 2 })
        Thread.sleep(forTimeInterval: 2)  // acks, echo baselines, one more poll each
        let before = (try deployment.jira.writes(), try deployment.serviceNow.writes())
        Thread.sleep(forTimeInterval: 5)
        let after = (try deployment.jira.writes(), try deployment.serviceNow.writes())
        XCTAssertEqual(after.0, before.0, "Jira received writes after the exchange settled\n\(deployment.logs)")
        XCTAssertEqual(after.1, before.1, "ServiceNow received writes after the exchange settled\n\(deployment.logs)")
    }

    /// The POST's answer is the new incident, so a first sync reads nothing
    /// back: one request per linked issue (the users it names come from the
    /// cache after the first).
    func testAFirstSyncOfAnIssue_CostsServiceNowOneRequest() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.editConfig = { node, config in
            if node == "green" { config["instances"]?["servicenow"]?["config"]?["integrationUser"] = "admin" }
        }
        deployment = try SyncDeployment.local(options)
        _ = try deployment.jira.createIssue("Warm the user cache")
        XCTAssertNotNil(try incidentAppears("Warm the user cache", within: 5))
        for round in 1...3 {
            Thread.sleep(forTimeInterval: 1.5)  // acks settle
            let before = try deployment.serviceNow.requests()
            let writes = try deployment.serviceNow.writes()
            _ = try deployment.jira.createIssue("First sync \(round)")
            // `/_sim/stats` is not counted: watching it costs no request.
            XCTAssertTrue(try eventually { try deployment.serviceNow.writes() > writes })
            Thread.sleep(forTimeInterval: 1.5)
            let spent = try deployment.serviceNow.requests() - before
            XCTAssertEqual(spent, 1, "round \(round): \(spent) ServiceNow requests for one first sync\n\(deployment.logs)")
        }
    }

    /// What the node keeps of the incident after its own write (the PATCH
    /// answer, at a known sys_mod_count) stands for the next read: applying a
    /// Jira edit to a linked incident costs one version check and one PATCH.
    /// The webhook of that write names the integration user, so it costs
    /// nothing. (Here the simulator's one account is green's integration
    /// user, which only green writes with.)
    func testAnEditOfALinkedIssue_CostsServiceNowTwoRequests() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.editConfig = { node, config in
            if node == "green" { config["instances"]?["servicenow"]?["config"]?["integrationUser"] = "admin" }
        }
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("Request budget")
        let incident = try XCTUnwrap(try incidentAppears("Request budget", within: 5))
        let sysID = try XCTUnwrap(incident["sys_id"]?.stringValue)
        for round in 1...3 {
            Thread.sleep(forTimeInterval: 1.5)  // acks and echoes settle
            let before = try deployment.serviceNow.requests()
            let writes = try deployment.serviceNow.writes()
            try deployment.jira.editIssue(key, ["summary": .string("Request budget \(round)")])
            // `/_sim/stats` is not counted: watching it costs no request.
            XCTAssertTrue(try eventually { try deployment.serviceNow.writes() > writes })
            Thread.sleep(forTimeInterval: 1.5)
            let spent = try deployment.serviceNow.requests() - before
            XCTAssertEqual(spent, 2, "round \(round): \(spent) ServiceNow requests for one edit\n\(deployment.logs)")
        }
        XCTAssertEqual(try deployment.serviceNow.incidents().first { $0["sys_id"]?.stringValue == sysID }?["short_description"]?.stringValue,
                       "Request budget 3")
    }

    /// With their own integration users (as in production), the nodes tell
    /// the webhook of their own write by its actor while people edit both
    /// trackers through the simulators' main accounts: a person's edit in
    /// ServiceNow still reaches Jira, and the node's edit of the incident
    /// costs ServiceNow two requests.
    func testWithDedicatedIntegrationUsers_PeopleEditsSyncAndOwnWritesCostServiceNowTwoRequests() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.dedicatedIntegrationUsers = true
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("Order chairs")
        let incident = try XCTUnwrap(try incidentAppears("Order chairs", within: 5))
        let sysID = try XCTUnwrap(incident["sys_id"]?.stringValue)
        XCTAssertEqual(incident["sys_created_by"]?.stringValue, SyncDeployment.integrationUser, "green writes as its own user")
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "Order chairs and desks"])
        XCTAssertTrue(try eventually { try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue == "Order chairs and desks" },
                      "a person's ServiceNow edit reaches Jira\n\(deployment.logs)")
        Thread.sleep(forTimeInterval: 1.5)  // acks and echoes settle
        let before = try deployment.serviceNow.requests()
        let writes = try deployment.serviceNow.writes()
        try deployment.jira.editIssue(key, ["summary": "Order chairs, desks and lamps"])
        XCTAssertTrue(try eventually { try deployment.serviceNow.writes() > writes })
        Thread.sleep(forTimeInterval: 1.5)
        let spent = try deployment.serviceNow.requests() - before
        XCTAssertEqual(spent, 2, "\(spent) ServiceNow requests for one edit\n\(deployment.logs)")
    }
}
