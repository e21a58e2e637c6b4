import Foundation
import TandemJSON
import TestSupport
import XCTest

/// Races that lost or invented changes with the shipped policy pair
/// (local-wins on the Jira node blue, remote-wins on the ServiceNow node
/// green), each replayed deterministically with four real processes. People
/// use the simulators' one account, which the nodes do not treat as theirs.
final class LosslessRegressionTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    // MARK: Sequential edits are never conflicts

    /// ServiceNow edits the summary; once Jira shows it (and half a second
    /// more), ServiceNow edits it again. The second replica was judged
    /// against blue's fields as of a replica green had applied long before,
    /// so Jira's copy of the first edit looked like a local edit, and
    /// local-wins kept it: the second edit never reached Jira.
    func testSecondServiceNowEdit_MadeAfterTheFirstReachedJira_IsNotTakenForAJiraEdit() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let (key, sysID) = try linkedPair("sequential edits")

        for round in 1...3 {
            for edit in ["first", "second"] {
                let summary = "round \(round), \(edit) ServiceNow edit"
                try deployment.serviceNow.updateIncident(sysID, ["short_description": .string(summary)])
                XCTAssertTrue(try eventually(timeout: 30) { try jiraSummary(key) == summary },
                              "'\(summary)' never reached Jira (now \((try? jiraSummary(key)) ?? "nil"))")
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        XCTAssertEqual(try conflicts("blue") + conflicts("green"), 0, "an edit made after the previous one arrived is no conflict")
    }

    /// Twice in ServiceNow, the priority changes; each time only after Jira
    /// showed the previous one. Blue wrote `High` into Jira itself, then took
    /// that value for a Jira edit conflicting with `Highest`, and Jira stayed
    /// at the first value.
    func testPriorityChangedTwiceInServiceNow_TheValueBlueWroteIsNotAJiraEdit() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let (key, sysID) = try linkedPair("priority twice")

        // ServiceNow derives priority from impact and urgency.
        try deployment.serviceNow.updateIncident(sysID, ["impact": "1", "urgency": "2"])  // 2 - High
        XCTAssertTrue(try eventually(timeout: 30) { try jiraPriority(key) == "High" }, "the first change never reached Jira")
        Thread.sleep(forTimeInterval: 0.5)
        try deployment.serviceNow.updateIncident(sysID, ["impact": "1", "urgency": "1"])  // 1 - Critical
        XCTAssertTrue(try eventually(timeout: 30) { try jiraPriority(key) == "Highest" },
                      "Jira stayed at \((try? jiraPriority(key)) ?? "nil") after the second change")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        XCTAssertEqual(try conflicts("blue") + conflicts("green"), 0)
    }

    // MARK: One-sided bursts

    /// Only Jira edits: three pairs created in ServiceNow, each edited 30
    /// times in quick succession in Jira from its own thread. Every Jira
    /// replica named green's first replica as the last one blue had applied,
    /// so green judged each against ServiceNow's fields at creation: its own
    /// copy of Jira's previous summary looked like a ServiceNow edit, and it
    /// counted a conflict for nearly every replica although nobody touched
    /// ServiceNow.
    func testJiraSummaryBurst_OnPairsCreatedInServiceNow_CountsNoConflictOnEitherNode() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let pairs = try (0..<3).map { try linkedPairFromServiceNow("burst \($0)") }
        let jira = deployment.jira!

        try inParallel(threads: pairs.count) { index in
            for edit in 1...30 {
                try jira.editIssue(pairs[index].key, ["summary": .string("burst \(index) edit \(edit)")])
                Thread.sleep(forTimeInterval: 0.03)
            }
        }

        for (index, pair) in pairs.enumerated() {
            XCTAssertTrue(try eventually(timeout: 60) { try serviceNowSummary(pair.sysID) == "burst \(index) edit 30" },
                          "pair \(index) ended at \((try? serviceNowSummary(pair.sysID)) ?? "nil")")
        }
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        XCTAssertEqual(try conflicts("green"), 0, "nobody edited ServiceNow")
        XCTAssertEqual(try conflicts("blue"), 0)
        for (index, pair) in pairs.enumerated() {
            XCTAssertEqual(try jiraSummary(pair.key), "burst \(index) edit 30", "nothing came back to Jira")
        }
    }

    // MARK: Several connections on one instance

    /// Each node has two connections on the same tracker: Jira Tasks and Jira
    /// Bugs. An incident green created for one connection was new to the
    /// other, which announced it to blue as new; blue created an issue, which
    /// crossed again, and entities multiplied without end.
    func testTaskAndBugConnectionsOnOneInstance_EachIssueCrossesOnce_AndNothingMultiplies() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.addBugsConnection()
        deployment = try SyncDeployment.local(options)
        let jira = deployment.jira!
        var keys: [String] = []
        for (index, type) in ["Task", "Bug", "Task", "Bug"].enumerated() {
            let created = try jira.request("POST", "/rest/api/2/issue", ["fields": [
                "project": ["key": "SUP"], "issuetype": ["name": .string(type)], "summary": .string("\(type) \(index)"),
            ]])
            keys.append(try XCTUnwrap(created["key"]?.stringValue))
        }

        XCTAssertTrue(try eventually(timeout: 60) { try deployment.serviceNow.incidents().count >= 4 }, "not every issue crossed")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 60))
        Thread.sleep(forTimeInterval: 5)  // a loop would keep creating meanwhile (polls run every 2 s)
        let incidents = try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }
        XCTAssertEqual(incidents.sorted(), ["Bug 1", "Bug 3", "Task 0", "Task 2"], "each issue once in ServiceNow")
        XCTAssertEqual(try jira.searchIssues("project = SUP").count, 4, "no incident came back to Jira as a new issue")
    }

    // MARK: Found by the history checker

    /// Jira sets High, ServiceNow then Low, Jira then High again, each after
    /// the previous change showed on the other side. The ServiceNow script
    /// maps a priority only when it differs from the previous Jira replica
    /// green received; blue's copy of Low was never sent (its echo is
    /// suppressed), so that replica still said High, and the second High
    /// looked unchanged: ServiceNow stayed at Low.
    func testPriorityEditedBackInJira_AfterServiceNowChangedIt_ReachesServiceNow() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let (key, sysID) = try linkedPair("priority back and forth")

        try deployment.jira.editIssue(key, ["priority": ["name": "High"]])
        XCTAssertTrue(try eventually(timeout: 30) { try serviceNowPriority(sysID) == "2 - High" }, "Jira's High never reached ServiceNow")
        Thread.sleep(forTimeInterval: 0.5)
        try deployment.serviceNow.updateIncident(sysID, ["impact": "2", "urgency": "3"])  // 4 - Low
        XCTAssertTrue(try eventually(timeout: 30) { try jiraPriority(key) == "Low" }, "ServiceNow's Low never reached Jira")
        Thread.sleep(forTimeInterval: 0.5)
        try deployment.jira.editIssue(key, ["priority": ["name": "High"]])
        XCTAssertTrue(try eventually(timeout: 30) { try serviceNowPriority(sysID) == "2 - High" },
                      "ServiceNow stayed at \((try? serviceNowPriority(sysID)) ?? "nil") after Jira went back to High")
    }

    /// A person resolves a new incident in ServiceNow. Jira's workflow has no
    /// transition from To Do straight to Done (it goes through In Progress),
    /// and the Jira connector tried only direct transitions, so blue parked
    /// the entity and every later change of it waited behind the park.
    func testIncidentResolvedStraightFromNew_ReachesDoneInJira_WithoutParking() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let (key, sysID) = try linkedPair("resolved from new")

        try deployment.serviceNow.updateIncident(sysID, ["state": "Resolved", "close_code": "Solved (Permanently)",
                                                         "close_notes": "fixed at once"])
        XCTAssertTrue(try eventually(timeout: 30) { try jiraStatus(key) == "Done" },
                      "Jira stayed at \((try? jiraStatus(key)) ?? "nil"); parked: \(deployment.blueAdmin.send("GET", "/admin/v1/errors")?.text ?? "?")")
        XCTAssertEqual(deployment.blueAdmin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue?.count, 0, "nothing parked")
    }

    // MARK: Interrupted writes

    /// ServiceNow resolves an incident; blue walks Jira To Do → In Progress
    /// → Done, and Jira answers 503 to the second transition. The retried
    /// apply found "In Progress", neither the value written nor the one
    /// before, and took it for a person's edit made since: it kept "In
    /// Progress" and sent it to ServiceNow, and the resolution was lost.
    /// The nodes sign in as their own integration users, so the connector
    /// can tell its own step from a person's edit by the changelog's author.
    private func statusWriteCutBetweenTwoJiraTransitions(blue: String, green: String) throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.dedicatedIntegrationUsers = true
        options.editConfig = { node, config in
            config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? blue : green)
        }
        deployment = try SyncDeployment.local(options)
        let (key, sysID) = try linkedPair("cut between transitions")
        let fault: JSON = ["method": "POST", "pathSuffix": "/transitions", "skip": 1, "count": 1]
        try deployment.jira.request("POST", "/_sim/faults", ["failRequests": fault])

        try deployment.serviceNow.updateIncident(sysID, ["state": "Resolved", "close_code": "Solved (Permanently)",
                                                         "close_notes": "fixed at once"])
        let resolved = try deployment.serviceNow.incident(sysID: sysID)["state"]
        XCTAssertTrue(try eventually(timeout: 30) { try jiraStatus(key) == "Done" },
                      "\(blue)/\(green): Jira stayed at \((try? jiraStatus(key)) ?? "nil")")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        XCTAssertTrue(deployment.blue.stderr.contains("503"), "the second transition was refused once:\n\(deployment.logs)")
        XCTAssertEqual(try jiraStatus(key), "Done", "\(blue)/\(green)")
        XCTAssertEqual(try deployment.serviceNow.incident(sysID: sysID)["state"], resolved, "\(blue)/\(green): ServiceNow keeps its state")
        XCTAssertEqual(try conflicts("blue"), 0, "\(blue)/\(green): nobody edited Jira")
        XCTAssertEqual(try conflicts("green"), 0, "\(blue)/\(green)")
        for admin in [deployment.blueAdmin, deployment.greenAdmin] {
            XCTAssertEqual(admin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue?.count, 0, "nothing parked")
        }
    }

    func testAStatusWriteCutBetweenTwoJiraTransitions_IsFinishedOnRetry_NotTakenForAPersonsEdit() throws {
        try statusWriteCutBetweenTwoJiraTransitions(blue: "local-wins", green: "remote-wins")
    }

    func testAStatusWriteCutBetweenTwoJiraTransitions_UnderRemoteWinsOnJira_IsFinishedOnRetry() throws {
        try statusWriteCutBetweenTwoJiraTransitions(blue: "remote-wins", green: "local-wins")
    }

    /// ServiceNow creates the incident but its answer is lost (a 503 after
    /// the commit). A node skips the correlation lookup on a first sync it
    /// has not tried before, so it must remember the create it tried here.
    func testACreateWhoseAnswerIsLost_IsFoundByItsCorrelationId_NotMadeTwice() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let fault: JSON = ["method": "POST", "pathSuffix": "/table/incident", "count": 1, "afterHandling": true]
        try deployment.serviceNow.request("POST", "/_sim/faults", ["failRequests": fault])

        let key = try deployment.jira.createIssue("answer lost")

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "answer lost") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        XCTAssertTrue(deployment.green.stderr.contains("created before a restart; not creating it again"),
                      "the retry looked the create up:\n\(deployment.logs)")
        XCTAssertEqual(try deployment.serviceNow.incidents().filter { $0["short_description"]?.stringValue == "answer lost" }.count, 1)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "answer lost")?["sys_id"]?.stringValue)
        try deployment.jira.editIssue(key, ["summary": "answer lost, then edited"])
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(sysID: sysID)["short_description"]?.stringValue == "answer lost, then edited" },
                      "the found incident is the twin:\n\(deployment.logs)")
    }

    // MARK: Helpers

    /// An issue created in Jira and its incident, once linked.
    private func linkedPair(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: summary) != nil },
                      "'\(summary)' never reached ServiceNow")
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        return (key, sysID)
    }

    /// An incident created in ServiceNow and its issue, once linked.
    private func linkedPairFromServiceNow(_ summary: String) throws -> (key: String, sysID: String) {
        let sysID = try XCTUnwrap(try deployment.serviceNow.createIncident(summary)["sys_id"]?.stringValue)
        let issue = { try self.deployment.jira.searchIssues("project = SUP").first { $0["fields"]?["summary"]?.stringValue == summary } }
        XCTAssertTrue(try eventually(timeout: 30) { try issue() != nil }, "'\(summary)' never reached Jira")
        let key = try XCTUnwrap(try issue()?["key"]?.stringValue)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30))
        return (key, sysID)
    }

    private func jiraSummary(_ key: String) throws -> String? {
        try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue
    }

    private func jiraPriority(_ key: String) throws -> String? {
        try deployment.jira.issue(key)["fields"]?["priority"]?["name"]?.stringValue
    }

    private func jiraStatus(_ key: String) throws -> String? {
        try deployment.jira.issue(key)["fields"]?["status"]?["name"]?.stringValue
    }

    private func serviceNowPriority(_ sysID: String) throws -> String? {
        try deployment.serviceNow.incident(sysID: sysID)["priority"]?.stringValue
    }

    private func serviceNowSummary(_ sysID: String) throws -> String? {
        try deployment.serviceNow.incident(sysID: sysID)["short_description"]?.stringValue
    }

    /// Conflicts a node counted, over every connection and policy.
    private func conflicts(_ node: String) throws -> Int {
        let metrics = try deployment.metrics(node)
        return Int(metrics.samples.filter { $0.key.hasPrefix("tandem_conflicts_total{") }.values.reduce(0, +))
    }
}
