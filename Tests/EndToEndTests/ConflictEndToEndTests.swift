import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Conflicts: the same field edited on both sides while node green
/// was down, decided by each node's policy, with four real processes.
final class ConflictEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Creates an issue, lets it sync, stops green, edits the summary in
    /// ServiceNow and then (a second later) in Jira, and starts green again.
    private func bothSidesEdit(blue: String, green: String) throws -> (key: String, sysID: String) {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? blue : green)
        }
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("Conflict base")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Conflict base") != nil })
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Conflict base")?["sys_id"]?.stringValue)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(deployment.green.stop(), 0)
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "edited in ServiceNow"])
        Thread.sleep(forTimeInterval: 1.2)  // ServiceNow keeps whole seconds: make the Jira edit clearly newer
        try deployment.jira.editIssue(key, ["summary": "edited in Jira"])
        try deployment.startNode("green")
        return (key, sysID)
    }

    private func settled(jira expectedJira: String, serviceNow expectedServiceNow: String, key: String, sysID: String) throws -> Bool {
        try eventually(timeout: 15) {
            let jira = try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue
            let incident = try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"]?.stringValue
            return jira == expectedJira && incident == expectedServiceNow
        }
    }

    func testRemoteWinsOnGreen_LocalWinsOnBlue_BothKeepTheJiraEdit() throws {
        let (key, sysID) = try bothSidesEdit(blue: "local-wins", green: "remote-wins")
        XCTAssertTrue(try settled(jira: "edited in Jira", serviceNow: "edited in Jira", key: key, sysID: sysID), deployment.logs)
    }

    func testLocalWinsOnGreen_RemoteWinsOnBlue_BothKeepTheServiceNowEdit() throws {
        let (key, sysID) = try bothSidesEdit(blue: "remote-wins", green: "local-wins")
        XCTAssertTrue(try settled(jira: "edited in ServiceNow", serviceNow: "edited in ServiceNow", key: key, sysID: sysID),
                      deployment.logs)
    }

    func testNewestWinsOnBoth_BothKeepTheLaterJiraEdit() throws {
        let (key, sysID) = try bothSidesEdit(blue: "newest-wins", green: "newest-wins")
        XCTAssertTrue(try settled(jira: "edited in Jira", serviceNow: "edited in Jira", key: key, sysID: sysID), deployment.logs)
    }

    /// Both nodes yield: without a tie-break each took the other's value and the two stayed swapped.
    func testRemoteWinsOnBoth_BothKeepTheValueOfTheNodeNamedFirst() throws {
        let (key, sysID) = try bothSidesEdit(blue: "remote-wins", green: "remote-wins")
        XCTAssertTrue(try settled(jira: "edited in Jira", serviceNow: "edited in Jira", key: key, sysID: sysID), deployment.logs)
    }

    /// Both nodes insist: without a tie-break each kept its own value.
    func testLocalWinsOnBoth_BothKeepTheValueOfTheNodeNamedFirst() throws {
        let (key, sysID) = try bothSidesEdit(blue: "local-wins", green: "local-wins")
        XCTAssertTrue(try settled(jira: "edited in Jira", serviceNow: "edited in Jira", key: key, sysID: sysID), deployment.logs)
    }

    func testParkOnGreen_ParksTheEntityWithTheConflictAndKeepsBothValues() throws {
        let (key, sysID) = try bothSidesEdit(blue: "local-wins", green: "park")
        var listed = ""
        XCTAssertTrue(try eventually(timeout: 15) {
            listed = try deployment.run(["errors", "list"], node: "green").stdout
            return listed.contains("conflict (policy park) on field 'short_description'")
        }, listed + deployment.logs)
        XCTAssertTrue(try settled(jira: "edited in Jira", serviceNow: "edited in ServiceNow", key: key, sysID: sysID))
    }

    func testLocalWins_DoesNotMistakeASequentialPeerEditForAConflict() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? "local-wins" : "remote-wins")
        }
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("Sequential base")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Sequential base") != nil })
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Sequential base")?["sys_id"]?.stringValue)
        try deployment.jira.editIssue(key, ["summary": "first, in Jira"])
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "first, in Jira") != nil })
        XCTAssertTrue(deployment.waitUntilIdle())
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "then, in ServiceNow"])
        XCTAssertTrue(try eventually { try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue == "then, in ServiceNow" },
                      deployment.logs)
    }
}
