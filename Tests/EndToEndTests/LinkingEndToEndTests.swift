import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Linking end to end: `tandem sync --query`, `tandem connect` and
/// `tandem unsync` against four real processes; tracker state is asserted
/// through the simulators' own APIs.
final class LinkingEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!
    private let connection = SyncDeployment.connection

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Nodes that notice nothing by themselves: only the commands move data.
    private func startWithoutTriggers() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
    }

    private func jiraIssueCount() throws -> Int { try deployment.jira.searchIssues("project = SUP").count }

    // MARK: - Bulk sync

    func testBulkSync_SendsEveryMatchingIssueExactlyOnce_AndPrintsSummary() throws {
        try startWithoutTriggers()
        let keys = try (1...15).map { try deployment.jira.createIssue("Bulk issue \($0)") }
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 0, "no trigger should have fired")

        let result = try deployment.run(["sync", "--query", "project = SUP", "--connection", connection, "--timeout", "60"],
                                        node: "blue")

        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("15 matched, 15 synced, 0 parked, 0 still pending, 0 skipped"), result.stdout)
        XCTAssertTrue(result.stderr.contains("15/15 synced"), "progress on stderr: \(result.stderr)")
        let summaries = try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }.sorted()
        XCTAssertEqual(summaries, (1...15).map { "Bulk issue \($0)" }.sorted(), "each issue arrives exactly once")
        XCTAssertEqual(keys.count, 15)
    }

    func testBulkSync_PagesPastTheSearchPage_EveryMatchSyncsOnce() throws {
        try startWithoutTriggers()
        for number in 1...12 { _ = try deployment.jira.createIssue("Paged bulk \(number)") }

        // Five refs a search call: one call used to be the whole run.
        let result = try deployment.run(["sync", "--query", "project = SUP", "--connection", connection, "--timeout", "60",
                                         "--page-size", "5"], node: "blue")

        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("12 matched, 12 synced, 0 parked, 0 still pending, 0 skipped"), result.stdout)
        let summaries = try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }.sorted()
        XCTAssertEqual(summaries, (1...12).map { "Paged bulk \($0)" }.sorted(), "each issue arrives exactly once")
    }

    func testBulkSyncOfTheTriggerQuery_AsksNoScopeQuestions_AnotherQueryAsksOnePerEntity() throws {
        try startWithoutTriggers()
        for number in 1...3 {
            _ = try deployment.jira.request("POST", "/rest/api/2/issue", ["fields": [
                "project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": .string("Labelled \(number)"), "labels": ["bulk"],
            ]])
        }
        for number in 1...4 { _ = try deployment.jira.createIssue("Plain \(number)") }

        let narrower = try deployment.run(["sync", "--query", "project = SUP AND labels = bulk", "--connection", connection,
                                           "--timeout", "60"], node: "blue")
        XCTAssertTrue(narrower.stdout.contains("3 matched, 3 synced"), narrower.stdout + narrower.stderr)
        XCTAssertEqual(try blueScopeChecks(by: "tracker"), 3, "a query other than the trigger query cannot vouch for scope")

        let whole = try deployment.run(["sync", "--query", "project = SUP", "--connection", connection, "--timeout", "60"], node: "blue")
        XCTAssertTrue(whole.stdout.contains("7 matched, 7 synced"), whole.stdout + whole.stderr)
        XCTAssertEqual(try blueScopeChecks(by: "tracker"), 3, "the trigger query's own matches are in scope")
        XCTAssertEqual(try blueScopeChecks(by: "query"), 4, "the four not yet linked")
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 7)
    }

    /// Blue's scope decisions made `by` one way, in or out.
    private func blueScopeChecks(by: String) throws -> Double {
        try deployment.blue.metricSum("tandem_scope_checks_total", labels: "by=\"\(by)\"")
    }

    func testBulkSync_ReportsStillPendingAndFailsWhenThePeerIsDown() throws {
        try startWithoutTriggers()
        _ = try deployment.jira.createIssue("Waits for green")
        XCTAssertEqual(deployment.green.stop(), 0)

        let result = try deployment.run(["sync", "--query", "project = SUP", "--connection", connection, "--timeout", "1"],
                                        node: "blue")

        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stdout.contains("0 synced, 0 parked, 1 still pending"), result.stdout)
        XCTAssertTrue(result.stdout.contains("still pending after 1 s: SUP-"), result.stdout)
    }

    // MARK: - Connect

    func testConnect_TwinsTwoExistingEntities_EditsFlowAsUpdatesBothWays() throws {
        try startWithoutTriggers()
        let key = try deployment.jira.createIssue("Made in Jira")
        let incident = try deployment.serviceNow.createIncident("Made in ServiceNow")
        let number = try XCTUnwrap(incident["number"]?.stringValue)
        let sysID = try XCTUnwrap(incident["sys_id"]?.stringValue)

        let connected = try deployment.run(["connect", key, number, "--connection", connection], node: "blue")
        XCTAssertEqual(connected.status, 0, connected.stderr)
        XCTAssertTrue(connected.stdout.contains("connected \(key) with \(number)"), connected.stdout)

        try deployment.jira.editIssue(key, ["summary": "Edited in Jira after connect"])
        XCTAssertEqual(try deployment.run(["sync", key, "--connection", connection], node: "blue").status, 0)
        XCTAssertTrue(try eventually {
            try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]?["short_description"]?
                .stringValue == "Edited in Jira after connect"
        }, deployment.logs)

        try deployment.serviceNow.updateIncident(sysID, ["short_description": "Edited in ServiceNow after connect"])
        XCTAssertEqual(try deployment.run(["sync", number, "--connection", connection], node: "green").status, 0)
        XCTAssertTrue(try eventually {
            try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue == "Edited in ServiceNow after connect"
        }, deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1, "no third entity in ServiceNow")
        XCTAssertEqual(try jiraIssueCount(), 1, "no third entity in Jira")
    }

    func testConnect_RefusesUnknownKeysAndAlreadyTwinnedEntities() throws {
        try startWithoutTriggers()
        let key = try deployment.jira.createIssue("Linked once")
        let other = try deployment.jira.createIssue("Would steal the twin")
        let number = try XCTUnwrap(try deployment.serviceNow.createIncident("Linked once")["number"]?.stringValue)

        let unknownLocal = try deployment.run(["connect", "SUP-999", number, "--connection", connection], node: "blue")
        XCTAssertEqual(unknownLocal.status, 1)
        XCTAssertTrue(unknownLocal.stderr.contains("SUP-999 does not exist"), unknownLocal.stderr)

        let unknownRemote = try deployment.run(["connect", key, "INC9999999", "--connection", connection], node: "blue")
        XCTAssertEqual(unknownRemote.status, 1)
        XCTAssertTrue(unknownRemote.stderr.contains("INC9999999 does not exist"), unknownRemote.stderr)

        XCTAssertEqual(try deployment.run(["connect", key, number, "--connection", connection], node: "blue").status, 0,
                       "a refused attempt leaves the entity linkable")
        let again = try deployment.run(["connect", key, number, "--connection", connection], node: "blue")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("\(key) is already twinned with \(number)"), again.stderr)
        let stolen = try deployment.run(["connect", other, number, "--connection", connection], node: "blue")
        XCTAssertEqual(stolen.status, 1)
        XCTAssertTrue(stolen.stderr.contains("\(number) is already twinned with \(key)"), stolen.stderr)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1)
        XCTAssertEqual(try jiraIssueCount(), 2, "nothing created by refusals")
    }

    // MARK: - Unsync

    func testUnsync_LaterEditsOnEitherSideAreNotSent_DataStays() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let key = try deployment.jira.createIssue("Synced, then unsynced")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Synced, then unsynced") != nil })
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Synced, then unsynced")?["sys_id"]?.stringValue)
        // The first exchange (green's first replica, both acks) ends before the
        // unsync; its writes are not the ones this test counts.
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertTrue(deployment.waitUntilIdle(), deployment.logs)

        let result = try deployment.run(["unsync", key, "--connection", connection], node: "blue")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("unsynced \(key)"), result.stdout)

        let jiraWrites = try deployment.jira.writes(), serviceNowWrites = try deployment.serviceNow.writes()
        try deployment.jira.editIssue(key, ["summary": "Jira edit after unsync"])
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "ServiceNow edit after unsync"])
        Thread.sleep(forTimeInterval: 1.5)  // webhooks arrive in milliseconds; a sync would have written by now
        XCTAssertEqual(try deployment.serviceNow.writes(), serviceNowWrites + 1, "only the test's own edit: \(deployment.logs)")
        XCTAssertEqual(try deployment.jira.writes(), jiraWrites + 1, "only the test's own edit: \(deployment.logs)")
        XCTAssertEqual(try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue, "Jira edit after unsync")
        XCTAssertNotNil(try deployment.serviceNow.incident(shortDescription: "ServiceNow edit after unsync"))
    }

    func testSyncKey_ReLinksAnUnsyncedEntity_AsAnUpdate() throws {
        try startWithoutTriggers()
        let key = try deployment.jira.createIssue("Unsynced, then synced again")
        XCTAssertEqual(try deployment.run(["sync", key, "--connection", connection], node: "blue").status, 0)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Unsynced, then synced again") != nil })
        XCTAssertEqual(try deployment.run(["unsync", key, "--connection", connection], node: "blue").status, 0)
        try deployment.jira.editIssue(key, ["summary": "Edited while unsynced"])

        let bulk = try deployment.run(["sync", "--query", "project = SUP", "--connection", connection], node: "blue")
        XCTAssertTrue(bulk.stdout.contains("skipped \(key): unsynced"), "bulk sync leaves it alone: \(bulk.stdout)")
        let single = try deployment.run(["sync", key, "--connection", connection], node: "blue")

        XCTAssertEqual(single.status, 0, single.stderr)
        XCTAssertTrue(single.stdout.contains("re-linked \(key)"), single.stdout)
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Edited while unsynced") != nil },
                      deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1, "re-linked as an update, not a create")
    }
}
