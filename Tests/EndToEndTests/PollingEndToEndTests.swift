import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Polling alone (webhooks off) with a search page far smaller than the
/// number of changes inside one overlap window: every change must still sync.
final class PollingEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Both nodes poll every 0.3 s, 3 refs a search call, 2 calls a poll.
    private func pollingWithTinyPages() -> SyncDeployment.Options {
        var options = SyncDeployment.Options(webhooks: false, pollSeconds: 0.3)
        options.editConfig = { _, config in
            config["connections"]?[SyncDeployment.connection]?["trigger"]?["pageSize"] = 3
            config["connections"]?[SyncDeployment.connection]?["trigger"]?["pagesPerPoll"] = 2
        }
        return options
    }

    func testMoreJiraChangesInOneOverlapWindowThanAPageHolds_AllReachServiceNow() throws {
        deployment = try SyncDeployment.local(pollingWithTinyPages())
        let summaries = (1...14).map { "Paged issue \($0)" }
        for summary in summaries { _ = try deployment.jira.createIssue(summary) }
        XCTAssertTrue(try eventually(timeout: 60, every: 0.3) {
            let present = Set(try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue })
            return summaries.allSatisfy(present.contains)
        }, "not every issue reached ServiceNow")
    }

    func testMoreServiceNowChangesInOneSecondThanAPageHolds_AllReachJira() throws {
        deployment = try SyncDeployment.local(pollingWithTinyPages())
        let summaries = (1...14).map { "Paged incident \($0)" }
        for summary in summaries { _ = try deployment.serviceNow.createIncident(summary) }
        XCTAssertTrue(try eventually(timeout: 60, every: 0.3) {
            let present = Set(try deployment.jira.searchIssues("project = SUP").compactMap { $0["fields"]?["summary"]?.stringValue })
            return summaries.allSatisfy(present.contains)
        }, "not every incident reached Jira")
    }
}
