import Foundation
import TandemJSON
import TestSupport
import XCTest

/// `tandem history`: one change's steps on both nodes, joined by its tx.
final class HistoryEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        // hasSucceeded is false until the run finished, so during tearDown only the failure count tells.
        if let deployment, (testRun?.totalFailureCount ?? 0) > 0 { print(deployment.logs) }
        deployment?.stop()
    }

    private func events(_ key: String, node: String) throws -> [JSON] {
        let result = try deployment.run(["history", key, "--json"], node: node)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSON(parsing: result.stdout)["entities"]?[0]?["events"]?.arrayValue ?? []
    }

    func testACreatedIssue_IsNoticedBuiltSentAndAckedOnOneNode_AndReceivedAndAppliedOnTheOther_UnderOneTx() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 1))
        let key = try deployment.jira.createIssue("History of a printer")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "History of a printer") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        let blue = try events(key, node: "blue")
        let blueKinds = blue.compactMap { $0["kind"]?.stringValue }
        for kind in ["noticed", "built", "sent", "acked"] { XCTAssertTrue(blueKinds.contains(kind), "\(kind) in \(blueKinds)") }
        XCTAssertLessThan(blueKinds.firstIndex(of: "noticed")!, blueKinds.firstIndex(of: "built")!)
        let built = try XCTUnwrap(blue.first { $0["kind"] == "built" })
        let tx = try XCTUnwrap(built["tx"]?.stringValue)
        XCTAssertTrue(built["detail"]?["changed"]?.arrayValue?.contains("summary") == true, built.text)

        // Green knows the entity by the Jira key too (its peer's key).
        let green = try events(key, node: "green")
        let applied = try XCTUnwrap(green.first { $0["kind"] == "applied" }, "\(green)")
        XCTAssertEqual(applied["tx"]?.stringValue, tx, "one tx names the replica on both nodes")
        XCTAssertEqual(applied["detail"]?["created"], true)
        XCTAssertTrue(green.contains { $0["kind"] == "received" && $0["tx"]?.stringValue == tx })

        let table = try deployment.run(["history", key], node: "green").stdout
        XCTAssertTrue(table.contains("replica 1 applied: created"), table)
        let unknown = try deployment.run(["history", "NOPE-1"], node: "blue")
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no connection knows an entity 'NOPE-1'"), unknown.stderr)
    }

    func testAnOperatorsRetry_IsInTheHistoryOfTheParkedEntity() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 1)
        options.editConfig = { node, config in
            if node == "green" { config["connections"]?[SyncDeployment.connection]?["conflicts"] = "park" }
        }
        deployment = try SyncDeployment.local(options)
        let key = try deployment.jira.createIssue("Park me")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Park me") != nil })
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Park me")?["sys_id"]?.stringValue)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))
        XCTAssertEqual(deployment.green.stop(), 0)
        try deployment.serviceNow.updateIncident(sysID, ["short_description": "green's edit"])
        try deployment.jira.editIssue(key, ["summary": "blue's edit"])
        try deployment.startNode("green")
        XCTAssertTrue(try eventually(timeout: 20) { (try deployment.status("green")["parked"]?.intValue ?? 0) > 0 })
        let green = try events(key, node: "green")
        let conflict = try XCTUnwrap(green.first { $0["kind"] == "conflict" }, "\(green)")
        XCTAssertEqual(conflict["detail"]?["local"], "green's edit")
        XCTAssertEqual(conflict["detail"]?["remote"], "blue's edit")
        XCTAssertEqual(conflict["detail"]?["policy"], "park")
        XCTAssertTrue(green.contains { $0["kind"] == "parked" })
        XCTAssertEqual(try deployment.run(["errors", "retry", "--all"], node: "green").status, 0)
        XCTAssertTrue(try events(key, node: "green").contains { $0["kind"] == "retried" })
    }

    func testConnectAndUnsync_AreInBothHistories_EachExchangeUnderOneTx() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let connection = SyncDeployment.connection
        let key = try deployment.jira.createIssue("Linked by hand")
        let number = try XCTUnwrap(try deployment.serviceNow.createIncident("Linked by hand")["number"]?.stringValue)
        let connected = try deployment.run(["connect", key, number, "--connection", connection], node: "blue")
        XCTAssertEqual(connected.status, 0, connected.stderr)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        let blue = try events(key, node: "blue")
        let linkTx = try XCTUnwrap(blue.first { $0["kind"] == "link-requested" }?["tx"]?.stringValue, "\(blue)")
        XCTAssertTrue(linkTx.contains("#link"), linkTx)
        XCTAssertEqual(kinds(blue, tx: linkTx), ["link-requested", "sent", "link-acked"])
        XCTAssertEqual(blue.last { $0["kind"] == "link-acked" }?["detail"]?["outcome"], "linked")
        let green = try events(number, node: "green")
        XCTAssertEqual(kinds(green, tx: linkTx), ["received", "linked", "sent"], "\(green)")
        XCTAssertEqual(green.first { $0["kind"] == "linked" }?["detail"]?["via"], "request")

        XCTAssertEqual(try deployment.run(["unsync", key, "--connection", connection], node: "blue").status, 0)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))
        let blueAfter = try events(key, node: "blue")
        let unlinkTx = try XCTUnwrap(blueAfter.first { $0["kind"] == "unlinked" }?["tx"]?.stringValue, "\(blueAfter)")
        XCTAssertNotEqual(unlinkTx, linkTx)
        XCTAssertEqual(kinds(blueAfter, tx: unlinkTx), ["unlinked", "sent", "link-acked"])
        let greenAfter = try events(number, node: "green")
        XCTAssertEqual(kinds(greenAfter, tx: linkTx), ["received", "linked", "sent"], "the link stays in the history: \(greenAfter)")
        XCTAssertEqual(kinds(greenAfter, tx: unlinkTx), ["received", "unlinked", "sent"], "\(greenAfter)")
        XCTAssertEqual(greenAfter.first { $0["kind"] == "unlinked" }?["detail"]?["by"], "peer")
    }

    func testATrackerOutage_IsOneRetryEventCountingTheAttempts_ThenTheApply() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let key = try deployment.jira.createIssue("Through an outage")
        XCTAssertTrue(try eventually(timeout: 20) { try deployment.serviceNow.incident(shortDescription: "Through an outage") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        try deployment.serviceNow.request("PUT", "/_sim/faults", ["failRate": 1])
        try deployment.jira.editIssue(key, ["summary": "Through an outage, edited"])
        func retries() throws -> [JSON] { try events(key, node: "green").filter { $0["kind"] == "retrying" } }
        let retried = try eventually(timeout: 30) { (try retries().first?["detail"]?["count"]?.intValue ?? 0) >= 3 }
        let seen = try retries()
        XCTAssertTrue(retried, "\(seen)")
        try deployment.serviceNow.request("PUT", "/_sim/faults", ["failRate": 0])
        XCTAssertTrue(try eventually(timeout: 60) { try deployment.serviceNow.incident(shortDescription: "Through an outage, edited") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        let green = try events(key, node: "green")
        let retry = try XCTUnwrap(green.first { $0["kind"] == "retrying" })
        XCTAssertEqual(green.filter { $0["kind"] == "retrying" }.count, 1, "one event for the whole run: \(green)")
        XCTAssertEqual(retry["detail"]?["stage"], "incoming")
        XCTAssertTrue(retry["detail"]?["reason"]?.stringValue?.contains("503") == true, retry.text)
        XCTAssertNotNil(retry["detail"]?["next"]?.stringValue)
        let applied = try XCTUnwrap(green.last { $0["kind"] == "applied" })
        XCTAssertEqual(applied["tx"], retry["tx"], "the retried replica is the one applied")
        let table = try deployment.run(["history", key], node: "green").stdout
        XCTAssertTrue(table.contains("retrying (incoming) after a transient error"), table)
    }

    func testAPeerOutage_IsOneFailedDeliveryEventPerEntity_ThenTheDelivery() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        XCTAssertEqual(deployment.green.stop(), 0)
        let key = try deployment.jira.createIssue("Sent while the peer is down")
        func retries() throws -> [JSON] { try events(key, node: "blue").filter { $0["kind"] == "retrying" } }
        XCTAssertTrue(try eventually(timeout: 20) { try !retries().isEmpty })
        Thread.sleep(forTimeInterval: 1)  // several more failed attempts (the sender's back-off is capped at 2 s)
        try deployment.startNode("green")
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Sent while the peer is down") != nil })
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 20))

        let blue = try events(key, node: "blue")
        let failed = blue.filter { $0["kind"] == "retrying" }
        XCTAssertEqual(failed.count, 1, "one event for the outage: \(blue)")
        XCTAssertEqual(failed.first?["detail"]?["stage"], "send")
        XCTAssertTrue(failed.first?["detail"]?["reason"]?.stringValue?.contains("connection refused") == true, "\(failed)")
        let sent = try XCTUnwrap(blue.first { $0["kind"] == "sent" })
        XCTAssertEqual(sent["tx"], failed.first?["tx"], "the replica that waited is the one delivered")
    }

    private func kinds(_ events: [JSON], tx: String) -> [String] {
        events.filter { $0["tx"]?.stringValue == tx }.compactMap { $0["kind"]?.stringValue }
    }
}
