import Foundation
import TandemJSON
import TestSupport
import XCTest

/// The operator commands against running nodes: `tandem status`,
/// `tandem connections pause|resume`, `tandem plugins list --config`.
final class OperatorCommandsEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// One issue created in Jira and seen in ServiceNow, and both nodes idle.
    private func syncOneIssue(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        var incident: JSON?
        XCTAssertTrue(try eventually {
            incident = try deployment.serviceNow.incident(shortDescription: summary)
            return incident != nil
        }, deployment.logs)
        XCTAssertTrue(try eventually { try ["blue", "green"].allSatisfy { try deployment.status($0)["outbox"]?.intValue == 0 } })
        return (key, try XCTUnwrap(incident?["sys_id"]?.stringValue))
    }

    func testStatus_PrintsOneRowPerConnectionWithStateQueuesAndLastSync() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        _ = try syncOneIssue("Status row")
        let result = try deployment.run(["status"], node: "blue")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.count, 2, result.stdout)
        XCTAssertEqual(lines[0], ["CONNECTION", "INSTANCE", "PLUGIN", "STATE", "PENDING", "OUTBOX", "INBOX", "OLDEST",
                                  "PARKED", "TWINS", "LAST", "SYNC"])
        XCTAssertEqual(Array(lines[1].prefix(10)), ["sup-incidents", "jira", "jira-like", "active", "0", "0", "0", "-", "0", "1"])
        XCTAssertTrue(lines[1].last?.hasSuffix("Z") == true, "last sync is a UTC timestamp: \(result.stdout)")
    }

    func testStatusJSON_GivesEveryFieldOfTheConnection() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        _ = try syncOneIssue("Status JSON")
        let connection = try deployment.status("green")
        XCTAssertEqual(connection["name"], "sup-incidents")
        XCTAssertEqual(connection["instance"], "servicenow")
        XCTAssertEqual(connection["plugin"], "servicenow-like")
        XCTAssertEqual(connection["enabled"], true)
        XCTAssertEqual(connection["paused"], false)
        for queue in ["pending", "outbox", "inbox", "parked"] { XCTAssertEqual(connection[queue], 0, queue) }
        XCTAssertEqual(connection["oldestPendingSeconds"], .null)
        XCTAssertEqual(connection["twins"], 1)
        XCTAssertNotNil(connection["lastSync"]?.stringValue)
    }

    func testStatus_WhenTheNodeIsDown_SaysSoAndWhatToCheck() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        deployment.blue.stop()
        let result = try deployment.run(["status"], node: "blue")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cannot reach the node at http://127.0.0.1:\(deployment.bluePort)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tandem run"), result.stderr)
    }

    func testChangesMadeWhilePaused_ArriveAfterResume_InOrder() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let (key, sysID) = try syncOneIssue("Before the pause")
        let paused = try deployment.run(["connections", "pause", SyncDeployment.connection], node: "blue")
        XCTAssertEqual(paused.status, 0, paused.stderr)
        XCTAssertEqual(paused.stdout, "paused sup-incidents\n")

        for (index, word) in ["first", "second", "third"].enumerated() {
            try deployment.jira.editIssue(key, ["summary": .string("Paused edit \(index + 1)")])
            try deployment.jira.commentIssue(key, "\(word) while paused")
        }
        // Every webhook delivered, every change turned into a queued replica, nothing sent.
        XCTAssertTrue(try eventually {
            let hooks = try deployment.jira.request("GET", "/_sim/webhooks")
            let status = try deployment.status("blue")
            return hooks["pending"]?.intValue == 0 && hooks["delivered"]?.intValue ?? 0 >= 7
                && status["pending"]?.intValue == 0 && (status["outbox"]?.intValue ?? 0) > 0
        }, deployment.logs)
        XCTAssertEqual(try deployment.status("blue")["paused"], true)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Paused edit 3"))
        XCTAssertEqual(try deployment.serviceNow.incidentComments(sysID), [])

        let resumed = try deployment.run(["connections", "resume", SyncDeployment.connection], node: "blue")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(try eventually {
            try deployment.serviceNow.incident(shortDescription: "Paused edit 3") != nil
                && deployment.serviceNow.incidentComments(sysID).count == 3
        }, deployment.logs)
        let comments = try deployment.serviceNow.incidentComments(sysID)
        XCTAssertTrue(zip(comments, ["first", "second", "third"]).allSatisfy { $0.hasSuffix("\($1) while paused") },
                      "in the order they were made: \(comments)")
        XCTAssertEqual(try deployment.status("blue")["paused"], false)
    }

    func testPauseOfAnUnknownConnection_FailsNamingIt() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let result = try deployment.run(["connections", "pause", "no-such-connection"], node: "blue")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no connection 'no-such-connection'"), result.stderr)
        XCTAssertEqual(try deployment.status("blue")["paused"], false)
    }

    func testPauseWithoutAName_IsAUsageError() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let result = try deployment.run(["connections", "pause"], node: "blue")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("missing connection NAME"), result.stderr)
    }

    func testPluginsListWithConfig_ShowsWhichConnectionsUseWhichPlugin() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let result = try deployment.run(["plugins", "list", "--json"], node: "green")
        XCTAssertEqual(result.status, 0, result.stderr)
        let plugins = try XCTUnwrap(try JSON(parsing: result.stdout).arrayValue)
        XCTAssertEqual(plugins.count, 1)
        XCTAssertEqual(plugins[0]["id"], "servicenow-like")
        XCTAssertEqual(plugins[0]["instances"], ["servicenow"])
        XCTAssertEqual(plugins[0]["connections"], ["sup-incidents"])
        XCTAssertTrue(plugins[0]["file"]?.stringValue?.hasSuffix("/libServiceNowLike.so") == true)
        let table = try deployment.run(["plugins", "list"], node: "blue").stdout
        XCTAssertTrue(table.contains("jira-like") && table.contains("sup-incidents"), table)
    }

    func testPluginsListWithDirAndConfig_IsAUsageError() throws {
        let result = try ChildProcess.tandem(["plugins", "list", "--dir", "plugins.d", "--config", "node.json"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("not both"), result.stderr)
    }
}
