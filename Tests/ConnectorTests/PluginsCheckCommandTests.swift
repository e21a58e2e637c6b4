import Foundation
import TandemHTTP
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// `tandem plugins check`, run as the user runs it: a child process of the
/// built `tandem`, against simulators in this process.
final class PluginsCheckCommandTests: XCTestCase {
    private let folder = TemporaryDirectory("tandem-check")
    private let allChecks = ["describe", "create-get", "update", "comment", "attachment", "search", "search-cursor", "lookup",
                             "error-kinds", "match", "bad-credential", "unknown-id", "undeclared-operation", "thread-safety", "memory"]

    private func writeConfig(_ config: JSON, name: String = "config.json") throws -> String {
        let path = folder.file(name)
        try Data(config.serialized()).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func check(_ plugin: String, _ config: JSON, json: Bool = false) throws -> ProcessResult {
        try ChildProcess.tandem(["plugins", "check", plugin, "--config", try writeConfig(config)] + (json ? ["--json"] : []))
    }

    func testJiraLike_PassesEveryCheckAgainstTheJiraSimulator() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "sync", password: "pw"))
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libJiraLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "pw"], "project": "SUP"])
        XCTAssertEqual(result.stdout, allChecks.map { "PASS \($0)\n" }.joined(), result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testJiraLike_PassesEveryCheckAgainstTheJiraCloudSimulatorWithoutRemovedCalls() throws {
        var configuration = JiraSimulatorConfiguration(user: "sync@example.com", password: "api-token")
        configuration.flavor = .cloud
        configuration.labelsOnCreateScreen = false
        let simulator = try JiraSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libJiraLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync@example.com", "password": "api-token"],
                                "project": "SUP"])
        XCTAssertEqual(result.stdout, allChecks.map { "PASS \($0)\n" }.joined(), result.stderr)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(simulator.stats.legacySearches, 0)
        XCTAssertEqual(simulator.stats.usernameLookups, 0)
    }

    func testServiceNowLike_PassesEveryCheckAgainstAStrictServiceNowSimulator() throws {
        var configuration = ServiceNowSimulatorConfiguration(user: "sync", password: "pw")
        configuration.aclHiddenMarker = "[restricted]"
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        for _ in 0..<3 { _ = try SimClientForCheck.createIncident(simulator.baseURL) }
        let result = try check(TestPaths.products + "/libServiceNowLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "pw"]])
        XCTAssertEqual(result.stdout, allChecks.map { "PASS \($0)\n" }.joined(), result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testServiceNowLike_PassesEveryCheckWithOAuth() throws {
        var configuration = ServiceNowSimulatorConfiguration(user: "sync", password: "pw")
        configuration.oauthClient = (id: "tandem", secret: "client-secret")
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libServiceNowLike.so",
                               ["baseUrl": .string(simulator.baseURL),
                                "auth": ["type": "oauth", "clientId": "tandem", "clientSecret": "client-secret", "user": "sync", "password": "pw"]])
        XCTAssertEqual(result.stdout, allChecks.map { "PASS \($0)\n" }.joined(), result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testServiceNowLike_ReportsAJournalItCannotReadBeforeAnyCheck() throws {
        var configuration = ServiceNowSimulatorConfiguration(user: "sync", password: "pw")
        configuration.journalReadable = false
        let simulator = try ServiceNowSimulator(configuration: configuration)
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libServiceNowLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "pw"]])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue((result.stdout + result.stderr).contains("cannot read sys_journal_field"), result.stdout + result.stderr)
    }

    func testServiceNowLike_PassesEveryCheckAgainstTheServiceNowSimulator() throws {
        let simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "sync", password: "pw"))
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libServiceNowLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "bearer", "token": "pw"]])
        XCTAssertEqual(result.stdout, allChecks.map { "PASS \($0)\n" }.joined(), result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testCExample_PassesWhatItDeclaresAndSkipsTheRestWithTheReason() throws {
        let plugin = try CCompiler.filestoreExample(output: folder.file("libfilestore.so"))
        let result = try check(plugin, ["dir": .string(folder.file("store"))])
        XCTAssertEqual(result.stdout, """
            PASS describe
            PASS create-get
            PASS update
            SKIP comment: the plugin does not declare comment.add
            SKIP attachment: the plugin does not declare attachment.put, attachment.get
            PASS search
            PASS search-cursor
            SKIP lookup: the plugin does not declare lookup
            SKIP error-kinds: the configuration has no baseUrl to put a fault server in front of
            SKIP match: the plugin does not declare match
            SKIP bad-credential: the configuration has no basic or bearer auth
            PASS unknown-id
            PASS undeclared-operation
            SKIP thread-safety: the plugin does not declare itself thread-safe
            PASS memory

            """, result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testABareFileName_IsOpenedFromTheCurrentFolder() throws {
        try CCompiler.filestoreExample(output: folder.file("libmine.so"))
        let result = try ChildProcess.tandem(["plugins", "check", "libmine.so", "--config", try writeConfig(["dir": .string(folder.file("store"))]),
                                              "--only", "describe,unknown-id"], currentDirectory: folder.path)
        XCTAssertEqual(result.stdout, "PASS describe\nPASS unknown-id\n", result.stderr)
        XCTAssertEqual(result.status, 0)
    }

    func testAbortingPlugin_FailsThatCheckNamingTheSignalAndTheRestStillRun() throws {
        let plugin = try CCompiler.sharedLibrary([TestPaths.fixture("plugins/fixture_plugin.c")], output: folder.file("abort.so"),
                                                 defines: ["FIXTURE_ABORT_IN=\"describe\""])
        let result = try check(plugin, [:], json: true)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(result.signaled)
        let outcomes = try XCTUnwrap(JSON(parsing: result.stdout).arrayValue)
        XCTAssertEqual(outcomes.compactMap { $0["name"]?.stringValue }, allChecks)
        XCTAssertEqual(outcomes[0]["status"], "fail")
        XCTAssertEqual(outcomes[0]["reason"], "the plugin crashed the check process: killed by SIGABRT")
        XCTAssertEqual(outcomes[12]["status"], "pass", "the host refuses undeclared operations even for this plugin")
    }

    func testWrongCredentialInTheConfig_FailsTheChecksThatReachTheTracker() throws {
        let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "sync", password: "pw"))
        try simulator.start()
        defer { simulator.stop() }
        let result = try check(TestPaths.products + "/libJiraLike.so",
                               ["baseUrl": .string(simulator.baseURL), "auth": ["type": "basic", "user": "sync", "password": "nope"], "project": "SUP"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("FAIL create-get: auth: create: tracker refused the credentials (HTTP 401)"), result.stdout)
    }

    func testUnusableArguments_ExitWithTwoAndSayWhatToDo() throws {
        let missing = try ChildProcess.tandem(["plugins", "check", folder.file("none.so"), "--config", try writeConfig([:])])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("cannot read plugin file"), missing.stderr)
        let notJSON = folder.file("bad.json")
        try Data("{".utf8).write(to: URL(fileURLWithPath: notJSON))
        let badConfig = try ChildProcess.tandem(["plugins", "check", TestPaths.products + "/libJiraLike.so", "--config", notJSON])
        XCTAssertEqual(badConfig.status, 2)
        XCTAssertTrue(badConfig.stderr.contains("is not JSON"), badConfig.stderr)
        XCTAssertEqual(try ChildProcess.tandem(["plugins", "check", TestPaths.products + "/libJiraLike.so"]).status, 2)
    }
}

/// Records made in a simulator by someone else than the connector.
private enum SimClientForCheck {
    static func createIncident(_ base: String) throws -> HTTPClientResponse {
        try HTTPClient().send(HTTPClientRequest(method: "POST", url: base + "/api/now/table/incident",
                                                headers: ["Authorization": "Basic " + Data("sync:pw".utf8).base64EncodedString(),
                                                          "Content-Type": "application/json", "Accept": "application/json"],
                                                body: Array(#"{"short_description":"[restricted] someone else's"}"#.utf8), timeoutSeconds: 10))
    }
}

