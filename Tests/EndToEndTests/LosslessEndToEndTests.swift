import Foundation
import TandemJSON
import TestSupport
import XCTest

/// No loss and no duplication: four real processes on
/// loopback, changes made through the simulators' APIs while nodes and
/// trackers are stopped or killed, and every change asserted to arrive once,
/// in order, on the other tracker.
final class LosslessEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    // MARK: Order and exactly-once under load

    func testTwoHundredRapidUpdatesToOneIssue_ArriveInOrderAndEndInTheSameState() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let key = try deployment.jira.createIssue("update 000")
        let sysID = try syncedIncident("update 000")
        let serviceNow = deployment.serviceNow!
        let sampler = Sampler { try updateNumber(try serviceNow.incident(sysID: sysID)["short_description"]?.stringValue) }
        let priorities = ["High", "Low", "Highest", "Medium", "Lowest"]

        for number in 1...200 {
            try deployment.jira.editIssue(key, ["summary": .string(update(number)),
                                                "priority": ["name": .string(priorities[number % priorities.count])]])
        }

        XCTAssertTrue(try eventually(timeout: 60, every: 0.1) {
            let incident = try serviceNow.incident(sysID: sysID)
            return incident["short_description"]?.stringValue == update(200) && incident["priority"]?.stringValue == "2 - High"
        }, deployment.logs)
        let seen = sampler.stop().compactMap { $0 }
        XCTAssertEqual(regressions(seen), [], "summaries seen in ServiceNow went backwards")
        XCTAssertEqual(seen.last, 200)
        XCTAssertEqual(try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue, update(200), "nothing echoed back")
        XCTAssertEqual(try serviceNow.incidents().count, 1)
    }

    func testHundredIssuesCreatedAtOnceFromEightThreads_EachArrivesExactlyOnceWithItsEdit() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.workers = 4
        deployment = try SyncDeployment.local(options)
        let jira = deployment.jira!

        // Each thread creates its issues and edits each right away, so
        // creates and updates of many entities are in flight together.
        try inParallel(threads: 8) { thread in
            for number in stride(from: thread, to: 100, by: 8) {
                let key = try jira.createIssue(String(format: "bulk %03d", number))
                try jira.editIssue(key, ["summary": .string(String(format: "bulk %03d, edited", number))])
            }
        }

        let expected = Set((0..<100).map { String(format: "bulk %03d, edited", $0) })
        XCTAssertTrue(try eventually(timeout: 60, every: 0.2) {
            Set(try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }) == expected
        }, deployment.logs)
        Thread.sleep(forTimeInterval: 2)  // a duplicate would show up by now (acks, one more poll)
        let summaries = try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }
        XCTAssertEqual(summaries.count, 100, "duplicates: \(duplicates(summaries))")
        XCTAssertEqual(try jira.searchIssues("project = SUP").count, 100, "no incident came back as a new issue")
    }

    // MARK: Outages

    func testPeerNodeStoppedFor30Seconds_HundredChangesMadeMeanwhileArriveInOrderAfterItReturns() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 2))
        let names = (0..<4).map { "outage \($0)" }
        var keys: [String] = []
        for name in names { keys.append(try deployment.jira.createIssue(name + " 000")) }
        for name in names { _ = try syncedIncident(name + " 000") }

        let stoppedAt = Date()
        XCTAssertEqual(deployment.green.stop(), 0, "green exits cleanly on SIGTERM")
        for number in 1...25 {
            for (index, key) in keys.enumerated() {
                try deployment.jira.editIssue(key, ["summary": .string(names[index] + String(format: " %03d", number))])
            }
        }
        Thread.sleep(forTimeInterval: max(0, 30 - Date().timeIntervalSince(stoppedAt)))
        XCTAssertEqual(try deployment.serviceNow.incidents().compactMap { updateNumber($0["short_description"]?.stringValue) },
                       [0, 0, 0, 0], "nothing can arrive while green is down")

        let serviceNow = deployment.serviceNow!
        let sampler = Sampler {
            Dictionary(try serviceNow.incidents().compactMap { incident -> (String, Int)? in
                guard let text = incident["short_description"]?.stringValue, let number = updateNumber(text) else { return nil }
                return (String(text.dropLast(4)), number)
            }) { first, _ in first }
        }
        try deployment.startNode("green")

        XCTAssertTrue(try eventually(timeout: 90, every: 0.2) {
            Set(try serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }) == Set(names.map { $0 + " 025" })
        }, deployment.logs)
        let seen = sampler.stop()
        for name in names {
            XCTAssertEqual(regressions(seen.compactMap { $0[name] }), [], "\(name) went backwards in ServiceNow")
        }
        XCTAssertEqual(try serviceNow.incidents().count, 4)
    }

    func testJiraSimulatorStoppedAndRestartedWithItsData_NodeCatchesUpBothWays() throws {
        let data = TemporaryDirectory("jira-data")
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.fixedSimulatorPorts = true
        options.jiraFlags = ["--data", data.path + "/jira.sqlite"]
        deployment = try SyncDeployment.local(options)
        let edited = try deployment.jira.createIssue("edited before the stop")
        let commented = try deployment.jira.createIssue("commented while Jira is down")
        _ = try syncedIncident("edited before the stop")
        let commentedSysID = try syncedIncident("commented while Jira is down")

        // The webhook of this edit may be lost with the simulator: polling must find it.
        try deployment.jira.editIssue(edited, ["summary": "edited before the stop, then stopped"])
        deployment.jiraSim.stop()
        try deployment.serviceNow.updateIncident(commentedSysID, ["comments": "written while Jira was down"])
        Thread.sleep(forTimeInterval: 3)  // blue's writes to Jira and its polls fail meanwhile
        try deployment.startSimulator("jira")

        XCTAssertTrue(try eventually(timeout: 30, every: 0.2) {
            try deployment.serviceNow.incident(shortDescription: "edited before the stop, then stopped") != nil
        }, deployment.logs)
        XCTAssertTrue(try eventually(timeout: 30, every: 0.2) {
            try deployment.jira.issueComments(commented).contains { $0.hasSuffix("written while Jira was down") }
        }, deployment.logs)
        XCTAssertEqual(try deployment.jira.searchIssues("project = SUP").count, 2, "the data survived the restart, once")
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 2)
        XCTAssertEqual(try deployment.jira.issueComments(commented).count, 1)
    }

    func testServiceNowSimulatorStoppedAndRestartedWithItsData_NodeCatchesUpBothWays() throws {
        let data = TemporaryDirectory("servicenow-data")
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.fixedSimulatorPorts = true
        options.serviceNowFlags = ["--data", data.path + "/servicenow.sqlite"]
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("survives the ServiceNow restart")
        let sysID = try syncedIncident("survives the ServiceNow restart")

        // The webhook of this comment may be lost with the simulator: polling must find it.
        try deployment.serviceNow.updateIncident(sysID, ["comments": "written just before the stop"])
        deployment.serviceNowSim.stop()
        try deployment.jira.editIssue(key, ["summary": "edited while ServiceNow is down"])
        try deployment.jira.commentIssue(key, "commented while ServiceNow is down")
        Thread.sleep(forTimeInterval: 3)  // green's writes to ServiceNow and its polls fail meanwhile
        try deployment.startSimulator("servicenow")

        XCTAssertTrue(try eventually(timeout: 30, every: 0.2) {
            let incident = try deployment.serviceNow.incident(sysID: sysID)
            return try incident["short_description"]?.stringValue == "edited while ServiceNow is down"
                && deployment.serviceNow.incidentComments(sysID).contains { $0.hasSuffix("commented while ServiceNow is down") }
        }, deployment.logs)
        XCTAssertTrue(try eventually(timeout: 30, every: 0.2) {
            try deployment.jira.issueComments(key).contains { $0.hasSuffix("written just before the stop") }
        }, deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidents().count, 1, "the data survived the restart, once")
        XCTAssertEqual(try deployment.serviceNow.incidentComments(sysID).count, 2)
        XCTAssertEqual(try deployment.jira.issueComments(key).count, 2)
    }

    // MARK: Crashes

    /// 20 issues, each created, edited 12 times, commented 11 times and given
    /// one attachment in Jira (500 changes), and 5 replies to each incident in
    /// ServiceNow, while the nodes are killed with SIGKILL 12 times,
    /// alternately, and restarted on the same stores.
    func testNodesKilledTwelveTimesDuringFiveHundredChanges_EveryChangeArrivesAndNothingIsDuplicated() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.workers = 4
        deployment = try SyncDeployment.local(options)
        let storm = Storm(issues: 20, jira: deployment.jira, serviceNow: deployment.serviceNow)
        let writer = Thread { storm.makeJiraChanges(pause: 0.06) }  // lasts about as long as the kills
        let replier = Thread { storm.replyInServiceNow(pause: 0.2) }
        writer.start()
        replier.start()
        var generator = SystemRandomNumberGenerator()
        for kill in 0..<12 {
            Thread.sleep(forTimeInterval: Double.random(in: 1.5...3.5, using: &generator))
            let node = kill % 2 == 0 ? "blue" : "green"
            (node == "blue" ? deployment.blue : deployment.green).kill()
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.5, using: &generator))
            try deployment.startNode(node)
        }
        while !writer.isFinished || !replier.isFinished { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertEqual(storm.failures, [], "changes the test could not make")

        XCTAssertTrue(try eventually(timeout: 60, every: 0.5) { try storm.everythingArrived() }, deployment.logs)
        Thread.sleep(forTimeInterval: 3)  // acks, echoes and one more poll each: a duplicate would show now

        let incidents = try deployment.serviceNow.incidents()
        let summaries = incidents.compactMap { $0["short_description"]?.stringValue }
        XCTAssertEqual(summaries.count, 20, "incident duplicates: \(duplicates(summaries))")
        let issues = try deployment.jira.searchIssues("project = SUP")
        XCTAssertEqual(issues.count, 20, "issue duplicates: \(duplicates(issues.compactMap { $0["fields"]?["summary"]?.stringValue }))")
        for issue in 0..<20 {
            let key = try XCTUnwrap(storm.key(issue)), sysID = try XCTUnwrap(try storm.sysID(issue))
            let expected = storm.comments(issue) + storm.replies(issue)
            let inJira = try deployment.jira.issueComments(key), inServiceNow = try deployment.serviceNow.incidentComments(sysID)
            for body in expected {
                XCTAssertEqual(inJira.filter { $0.hasSuffix(body) }.count, 1, "'\(body)' in Jira")
                XCTAssertEqual(inServiceNow.filter { $0.hasSuffix(body) }.count, 1, "'\(body)' in ServiceNow")
            }
            XCTAssertEqual(inJira.count, expected.count, "comments of \(key): \(inJira)")
            XCTAssertEqual(inServiceNow.count, expected.count, "comments of \(sysID): \(inServiceNow)")
            XCTAssertEqual(try deployment.jira.issueAttachments(key).count, 1, "attachments of \(key)")
            XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 1, "attachments of \(sysID)")
            XCTAssertEqual(try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue, storm.finalSummary(issue))
        }
    }

    // MARK: Lost updates

    /// The peer's replica still carries a value this node sent it (rev 1)
    /// while a newer local edit (rev 2) waits in the outbox: that is not a
    /// change on the peer's side, so it must not undo rev 2.
    func testPeerReplicaCarryingAnOlderValueWeSent_DoesNotUndoANewerLocalEdit() throws {
        // remote-wins on blue, so a false conflict would show: the stale value would win.
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.editConfig = { name, config in
            if name == "blue" { config["connections"]?[SyncDeployment.connection]?["conflicts"] = "remote-wins" }
        }
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("race rev 0")
        let sysID = try syncedIncident("race rev 0")
        try deployment.jira.editIssue(key, ["summary": "race rev 1"])
        _ = try syncedIncident("race rev 1")

        let paused = try deployment.run(["connections", "pause", SyncDeployment.connection], node: "blue")
        XCTAssertEqual(paused.status, 0, paused.stderr)
        try deployment.jira.editIssue(key, ["summary": "race rev 2"])  // held in blue's outbox
        try deployment.serviceNow.updateIncident(sysID, ["comments": "a reply while rev 2 is on its way"])
        XCTAssertTrue(try eventually(timeout: 20) {
            try deployment.jira.issueComments(key).contains { $0.hasSuffix("a reply while rev 2 is on its way") }
        }, deployment.logs)
        let resumed = try deployment.run(["connections", "resume", SyncDeployment.connection], node: "blue")
        XCTAssertEqual(resumed.status, 0, resumed.stderr)

        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(sysID: sysID)["short_description"]?.stringValue == "race rev 2" },
                      deployment.logs)
        Thread.sleep(forTimeInterval: 3)  // any undo would have travelled both ways by now
        XCTAssertEqual(try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue, "race rev 2", deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incident(sysID: sysID)["short_description"]?.stringValue, "race rev 2")
    }

    // MARK: Helpers

    /// Waits for the incident of a Jira issue with `summary`; its sys_id.
    private func syncedIncident(_ summary: String) throws -> String {
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: summary) != nil },
                      "'\(summary)' never reached ServiceNow\n\(deployment.logs)")
        return try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue)
    }
}

/// "update 007" for 7.
private func update(_ number: Int) -> String { String(format: "update %03d", number) }

/// The number at the end of "… 007", if the text ends so.
func updateNumber(_ text: String?) -> Int? {
    guard let text, text.count >= 4, text.dropLast(3).hasSuffix(" ") else { return nil }
    return Int(text.suffix(3))
}

/// The values that occur more than once.
func duplicates(_ values: [String]) -> [String] {
    Dictionary(grouping: values, by: { $0 }).filter { $0.value.count > 1 }.map(\.key).sorted()
}

/// Runs `body(0..<threads)` on that many threads at once; rethrows the first error.
func inParallel(threads: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let group = DispatchGroup()
    let firstError = Locked<(any Error)?>(nil)
    for index in 0..<threads {
        group.enter()
        Thread {
            do { try body(index) } catch { firstError.withLock { if $0 == nil { $0 = error } } }
            group.leave()
        }.start()
    }
    group.wait()
    if let error = firstError.withLock({ $0 }) { throw error }
}

extension TrackerClient {
    /// One incident by sys_id, with display values.
    func incident(sysID: String) throws -> JSON {
        try request("GET", "/api/now/table/incident/\(sysID)?sysparm_display_value=true")["result"] ?? .null
    }
}
