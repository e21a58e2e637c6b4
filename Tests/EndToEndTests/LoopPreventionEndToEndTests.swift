import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Several connections on one instance, on both nodes, never multiply
/// entities; a connection that creates in a burst is stopped by its breaker.
final class LoopPreventionEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Both ServiceNow connections see a new incident; only the first to
    /// announce it to the Jira node does, so Jira gets one issue.
    func testAnIncidentTwoConnectionsSee_IsAnnouncedToThePeerOnce() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.addBugsConnection()
        deployment = try SyncDeployment.local(options)
        let incident = try deployment.serviceNow.createIncident("From ServiceNow")
        try deployment.serviceNow.updateIncident(try XCTUnwrap(incident["sys_id"]?.stringValue), ["comments": "a comment"])

        XCTAssertTrue(try eventually(timeout: 20) { try deployment.jira.searchIssues("project = SUP").count >= 1 }, deployment.logs)
        XCTAssertTrue(deployment.waitUntilIdle())
        Thread.sleep(forTimeInterval: 3)  // several polls and webhook rounds: a second announcement would show by now
        XCTAssertEqual(try deployment.jira.searchIssues("project = SUP").count, 1, "one issue for the one incident\n\(deployment.logs)")
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1, "nothing came back as a new incident")
    }

    func testABurstOfCreatesTripsTheBreaker_ParksWithTheReasonAndPausesTheConnection() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            if node == "green" { config["connections"]?[SyncDeployment.connection]?["maxCreatesPerMinute"] = 3 }
        }
        deployment = try SyncDeployment.local(options)
        for index in 1...6 { _ = try deployment.jira.createIssue("Burst \(index)") }

        var listed = ""
        XCTAssertTrue(try eventually(timeout: 20) {
            listed = try deployment.run(["errors", "list"], node: "green").stdout
            return listed.contains("circuit breaker") && listed.contains("maxCreatesPerMinute=3")
        }, listed + deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 3, "no create past the limit")
        XCTAssertGreaterThanOrEqual(try deployment.metrics("green").value("tandem_circuit_breaker_trips_total",
                                                                          ["connection": SyncDeployment.connection]), 1)
        XCTAssertTrue(try deployment.status("green")["paused"]?.boolValue ?? false, "the connection is paused")
    }
}
