import Foundation
import TandemJSON
import TestSupport
import XCTest

/// For every pair of policies (Jira node, ServiceNow node): edits made one
/// after another, each after the previous settled, all go through, and a
/// burst of edits on one side only ends with its last value on both sides;
/// neither is ever counted as a conflict. Four real processes per pair.
final class ConflictPolicyMatrixEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    private func sequentialAndBurstEdits(blue: String, green: String) throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? blue : green)
        }
        let deployment = try SyncDeployment.local(options)
        self.deployment = deployment
        let key = try deployment.jira.createIssue("Matrix base")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Matrix base") != nil }, deployment.logs)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Matrix base")?["sys_id"]?.stringValue)
        let jira = { try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue }
        let serviceNow = { try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"]?.stringValue }
        func both(_ value: String) throws -> Bool {
            try eventually(timeout: 20) { try jira() == value && serviceNow() == value } && deployment.waitUntilIdle()
        }

        // Sequential: each edit after the previous one settled, alternating sides and repeating a side.
        for (step, side) in ["servicenow", "servicenow", "jira", "servicenow", "jira", "jira"].enumerated() {
            let value = "step \(step) in \(side)"
            if side == "jira" { try deployment.jira.editIssue(key, ["summary": .string(value)]) }
            else { try deployment.serviceNow.updateIncident(sysID, ["short_description": .string(value)]) }
            XCTAssertTrue(try both(value), "\(blue)/\(green): \(value) did not settle on both sides")
        }
        // Priority twice in ServiceNow: the second is not judged against the value the Jira node wrote.
        // ServiceNow derives priority from impact and urgency: 2+3 → 4 - Low, 1+2 → 2 - High.
        for (impact, urgency, expected) in [("2", "3", "Low"), ("1", "2", "High")] {
            try deployment.serviceNow.updateIncident(sysID, ["impact": .string(impact), "urgency": .string(urgency)])
            XCTAssertTrue(try eventually(timeout: 20) { try deployment.jira.issue(key)["fields"]?["priority"]?["name"]?.stringValue == expected },
                          "\(blue)/\(green): priority \(expected) did not reach Jira")
            XCTAssertTrue(deployment.waitUntilIdle())
        }
        // A burst on one side only.
        for index in 1...8 { try deployment.jira.editIssue(key, ["summary": .string("burst \(index)")]) }
        XCTAssertTrue(try both("burst 8"), "\(blue)/\(green): the burst did not end on its last value")
        for index in 1...8 { try deployment.serviceNow.updateIncident(sysID, ["short_description": .string("other burst \(index)")]) }
        XCTAssertTrue(try both("other burst 8"), "\(blue)/\(green): the ServiceNow burst did not end on its last value")

        for node in ["blue", "green"] {
            let conflicts = try deployment.metrics(node).samples.filter { $0.key.hasPrefix("tandem_conflicts_total") }.values.reduce(0, +)
            XCTAssertEqual(conflicts, 0, "\(blue)/\(green): node \(node) counted conflicts where nobody edited both sides")
        }
    }

    func testLocalWins_RemoteWins() throws { try sequentialAndBurstEdits(blue: "local-wins", green: "remote-wins") }
    func testRemoteWins_LocalWins() throws { try sequentialAndBurstEdits(blue: "remote-wins", green: "local-wins") }
    func testRemoteWins_RemoteWins() throws { try sequentialAndBurstEdits(blue: "remote-wins", green: "remote-wins") }
    func testLocalWins_LocalWins() throws { try sequentialAndBurstEdits(blue: "local-wins", green: "local-wins") }
    func testNewestWins_NewestWins() throws { try sequentialAndBurstEdits(blue: "newest-wins", green: "newest-wins") }
    func testNewestWins_RemoteWins() throws { try sequentialAndBurstEdits(blue: "newest-wins", green: "remote-wins") }
    func testPark_RemoteWins() throws { try sequentialAndBurstEdits(blue: "park", green: "remote-wins") }
    func testRemoteWins_Park() throws { try sequentialAndBurstEdits(blue: "remote-wins", green: "park") }
    func testPark_Park() throws { try sequentialAndBurstEdits(blue: "park", green: "park") }
}
