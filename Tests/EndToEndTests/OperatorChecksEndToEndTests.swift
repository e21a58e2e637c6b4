import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Configuration checked before it runs, admin commands that need only the
/// node section, pauses that survive restarts, and a peer that does not know
/// the connection reported as exactly that; with real processes.
final class OperatorChecksEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    private func local(_ edit: (@Sendable (String, inout JSON) -> Void)? = nil) throws -> SyncDeployment {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = edit
        deployment = try SyncDeployment.local(options)
        return deployment
    }

    func testAPause_HoldsAcrossARestartOfTheNode() throws {
        let deployment = try local()
        XCTAssertEqual(try deployment.run(["connections", "pause", SyncDeployment.connection], node: "blue").status, 0)
        XCTAssertEqual(deployment.blue.stop(), 0)
        try deployment.startNode("blue")
        XCTAssertEqual(try deployment.status("blue")["paused"], true)
        _ = try deployment.jira.createIssue("Held back")
        XCTAssertTrue(try eventually(timeout: 15) { (try deployment.status("blue")["outbox"]?.intValue ?? 0) > 0 })
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Held back"))
        XCTAssertEqual(try deployment.run(["connections", "resume", SyncDeployment.connection], node: "blue").status, 0)
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Held back") != nil })
    }

    func testStatus_RunsWithoutTheTrackersCredentialsInTheEnvironment() throws {
        let deployment = try local()
        var environment = deployment.environment
        for name in ["JIRA_URL", "JIRA_USER", "JIRA_PASSWORD", "TANDEM_SECRET", "GREEN_PORT", "TANDEM_PLUGINS"] { environment[name] = nil }
        let result = try ChildProcess.run(deployment.tandem, ["status", "--json", "--config", deployment.folder + "/blue.json"],
                                          environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(SyncDeployment.connection))
    }

    func testRun_WithABrokenConfiguration_ListsEveryProblemAndExits3() throws {
        let deployment = try local()
        let folder = deployment.folder
        var config = try JSON(parsing: try String(contentsOfFile: folder + "/blue.json", encoding: .utf8))
        config["connections"]?[SyncDeployment.connection]?["retries"] = 3
        config["instances"]?["jira"]?["config"]?["auth"]?["password"] = "${NOT_SET_ANYWHERE}"
        try config.text.write(toFile: folder + "/broken.json", atomically: true, encoding: .utf8)
        let script = folder + "/jira-outgoing.sync"
        try (try String(contentsOfFile: script, encoding: .utf8) + "\nreplica.priority = priortyMap[issue.priority?.name]\n")
            .write(toFile: script, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(deployment.tandem, ["run", "--config", folder + "/broken.json"], environment: deployment.environment)
        XCTAssertEqual(result.status, 3, result.stderr)
        for expected in ["retries: unknown key", "NOT_SET_ANYWHERE is not set", "jira-outgoing.sync:", "unknown name 'priortyMap'"] {
            XCTAssertTrue(result.stderr.contains(expected), "'\(expected)' in:\n\(result.stderr)")
        }
        let check = try ChildProcess.run(deployment.tandem, ["config", "check", "--offline", "--config", folder + "/broken.json"],
                                         environment: deployment.environment)
        XCTAssertEqual(check.status, 3)
        XCTAssertTrue(check.stdout.contains("3 problem(s)"), check.stdout)
    }

    func testConfigCheck_PassesForTheRunningPair_AndNamesAPeerThatDoesNotKnowTheConnection() throws {
        let deployment = try local()
        let good = try deployment.run(["config", "check", "--peer"], node: "blue")
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("credentials accepted"), good.stdout)
        XCTAssertTrue(good.stdout.contains("knows connection '\(SyncDeployment.connection)'"), good.stdout)

        var config = try JSON(parsing: try String(contentsOfFile: deployment.folder + "/blue.json", encoding: .utf8))
        let connection = config["connections"]?[SyncDeployment.connection]
        config["connections"] = ["renamed": connection ?? .null]
        try config.text.write(toFile: deployment.folder + "/renamed.json", atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(deployment.tandem, ["config", "check", "--peer", "--config", deployment.folder + "/renamed.json"],
                                          environment: deployment.environment)
        XCTAssertEqual(result.status, 4, result.stdout)
        XCTAssertTrue(result.stdout.contains("does not know connection 'renamed'"), result.stdout)
    }

    func testASenderWhosePeerLacksTheConnection_LogsExactlyThat() throws {
        let deployment = try local { node, config in
            guard node == "blue", let connection = config["connections"]?[SyncDeployment.connection] else { return }
            config["connections"] = ["renamed": connection]
        }
        _ = try deployment.jira.createIssue("Nobody knows this connection")
        XCTAssertTrue(try eventually(timeout: 20) { deployment.blue.stderr.contains("does not know connection 'renamed'") },
                      deployment.blue.stderr.suffix(2000).description)
        XCTAssertFalse(deployment.blue.stderr.contains("refused our signature"))
    }

    func testEntityGet_PrintsTheEntityAsTheConnectorReturnsIt() throws {
        let deployment = try local()
        let key = try deployment.jira.createIssue("Read me", priority: "High")
        let result = try deployment.run(["entity", "get", key], node: "blue")
        XCTAssertEqual(result.status, 0, result.stderr)
        let entity = try JSON(parsing: result.stdout)
        XCTAssertEqual(entity["key"]?.stringValue, key)
        XCTAssertEqual(entity["fields"]?["summary"], "Read me")
        let missing = try deployment.run(["entity", "get", "SUP-999"], node: "blue")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
    }
}
