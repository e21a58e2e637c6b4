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

    func testTwoConnectionsPerInstanceOnBothNodes_EachEntityExistsOncePerSide() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            guard var tasks = config["connections"]?[SyncDeployment.connection] else { return }
            var bugs = tasks
            if node == "blue" {
                tasks["trigger"]?["query"] = "project = SUP AND issuetype = Task"
                bugs["trigger"]?["query"] = "project = SUP AND issuetype = Bug"
            }
            config["connections"]?[SyncDeployment.connection] = tasks
            config["connections"]?["sup-bugs"] = bugs
        }
        deployment = try SyncDeployment.local(options)
        for index in 1...3 { _ = try deployment.jira.createIssue("Task \(index)") }
        let incident = try deployment.serviceNow.createIncident("From ServiceNow")
        let sysID = try XCTUnwrap(incident["sys_id"]?.stringValue)
        try deployment.serviceNow.updateIncident(sysID, ["comments": "a comment"])

        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incidents().count == 4 }, deployment.logs)
        XCTAssertTrue(try eventually(timeout: 20) {
            try deployment.jira.request("GET", "/rest/api/2/search?jql=project%20%3D%20SUP&maxResults=100")["issues"]?.arrayValue?.count ?? 0 >= 4
        }, deployment.logs)
        XCTAssertTrue(deployment.waitUntilIdle())
        Thread.sleep(forTimeInterval: 3)  // several polls and webhook rounds: a loop would show by now
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 4, "three issues and one incident, once each\n\(deployment.logs)")
        let issues = try deployment.jira.request("GET", "/rest/api/2/search?jql=project%20%3D%20SUP&maxResults=100")["issues"]?.arrayValue ?? []
        XCTAssertEqual(issues.count, 4, "three issues and one incident, once each\n\(deployment.logs)")
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
