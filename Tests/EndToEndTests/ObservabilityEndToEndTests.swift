import Foundation
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// What an operator watches: /metrics, /healthz, and logs that
/// never carry a configured secret.
final class ObservabilityEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    func testMetrics_ParseAndCountersMoveAsSyncsHappen() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        let connection = ["connection": SyncDeployment.connection]
        let before = (blue: try deployment.metrics("blue"), green: try deployment.metrics("green"))
        for family in ["tandem_conflicts_total", "tandem_retries_total", "tandem_queue_depth", "tandem_parked_errors"] {
            XCTAssertTrue(before.blue.helps.contains(family), "\(family) has HELP before any sync")
            XCTAssertNotNil(before.blue.types[family], "\(family) has TYPE before any sync")
        }
        XCTAssertTrue(before.blue.has("tandem_conflicts_total", connection), "declared at 0 from the start")

        _ = try deployment.jira.createIssue("Counted")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Counted") != nil })
        XCTAssertTrue(try eventually {
            try deployment.metrics("blue").value("tandem_syncs_total", connection.merging(["stage": "ack", "outcome": "done"]) { $1 }) >= 1
        })
        let after = (blue: try deployment.metrics("blue"), green: try deployment.metrics("green"))

        func grew(_ node: String, _ name: String, _ labels: [String: String]) {
            let (old, new) = node == "blue" ? (before.blue, after.blue) : (before.green, after.green)
            XCTAssertGreaterThan(new.value(name, labels), old.value(name, labels), "\(node) \(PrometheusText.series(name, labels))")
        }
        grew("blue", "tandem_syncs_total", connection.merging(["stage": "outgoing", "outcome": "done"]) { $1 })
        grew("green", "tandem_syncs_total", connection.merging(["stage": "incoming", "outcome": "done"]) { $1 })
        grew("blue", "tandem_messages_sent_total", connection)
        grew("green", "tandem_messages_received_total", connection)
        grew("green", "tandem_tracker_requests_total", ["instance": "servicenow", "status": "200"])
        grew("green", "tandem_tracker_requests_total", ["instance": "servicenow", "status": "201"])
        grew("green", "tandem_sync_latency_seconds_count", connection)
        XCTAssertEqual(after.green.types["tandem_sync_latency_seconds"], "histogram")
        XCTAssertEqual(after.green.value("tandem_sync_latency_seconds_bucket", connection.merging(["le": "+Inf"]) { $1 }),
                       after.green.value("tandem_sync_latency_seconds_count", connection))
        XCTAssertEqual(after.blue.value("tandem_conflicts_total", connection), 0)
        XCTAssertTrue(after.blue.has("tandem_queue_depth", connection.merging(["queue": "outbox"]) { $1 }))
    }

    func testHealthz_WhileATrackerIsDown_Answers200AndNamesTheUnreachableTracker() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: nil))
        let healthy = try JSON(parsing: try deployment.get("/healthz", node: "blue").body)
        XCTAssertEqual(healthy, ["status": "ok", "trackers": ["jira": "ok"]])

        deployment.jiraSim.stop()
        let response = try deployment.get("/healthz", node: "blue")
        XCTAssertEqual(response.status, 200, "a tracker outage does not fail the node's liveness")
        let body = try JSON(parsing: response.body)
        XCTAssertEqual(body["status"], "degraded")
        XCTAssertTrue(body["trackers"]?["jira"]?.stringValue?.hasPrefix("unreachable: ") == true, response.text)
        XCTAssertEqual(try deployment.get("/readyz", node: "blue").status, 200)
        XCTAssertEqual(try JSON(parsing: try deployment.get("/healthz", node: "green").body),
                       ["status": "ok", "trackers": ["servicenow": "ok"]], "the other node's tracker is up")
    }

    func testNoLogLine_ContainsAConfiguredSecret() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: 1))
        let key = try deployment.jira.createIssue("Secret keeping")
        var incident: JSON?
        XCTAssertTrue(try eventually {
            incident = try deployment.serviceNow.incident(shortDescription: "Secret keeping")
            return incident != nil
        })
        try deployment.serviceNow.updateIncident(try XCTUnwrap(incident?["sys_id"]?.stringValue), ["comments": "reply"])
        XCTAssertTrue(try eventually { try deployment.jira.issueComments(key).count == 1 })
        // A refused admin call and a refused peer call are logged or answered, never with the secret.
        var headers = HTTPHeaders()
        headers["Authorization"] = "Bearer wrong-" + deployment.adminToken
        _ = try HTTPClient().send(HTTPClientRequest(method: "GET", url: deployment.blue.url + "/admin/v1/status", headers: headers))
        _ = try deployment.run(["status"], node: "green")

        let secrets = [deployment.secret, deployment.adminToken, "jira-pw", "snow-pw"]
        for node in [deployment.blue!, deployment.green!] {
            let lines = node.stderr.split(separator: "\n")
            XCTAssertGreaterThan(lines.count, 3, "\(node.name) logged the sync")
            for line in lines {
                XCTAssertNotNil(try? JSON(parsing: String(line)), "one JSON object per line: \(line)")
                for secret in secrets { XCTAssertFalse(line.contains(secret), "\(node.name) logged a secret: \(line)") }
            }
        }
    }

    func testLogLines_CarryConnectionEntityAndOneTransactionIDAcrossBothNodes() throws {
        deployment = try SyncDeployment.local(.init(webhooks: true, pollSeconds: nil))
        _ = try deployment.jira.createIssue("Traced")
        XCTAssertTrue(try eventually { try deployment.serviceNow.incident(shortDescription: "Traced") != nil })
        func lines(_ node: BackgroundProcess, stage: String) throws -> [JSON] {
            try node.stderr.split(separator: "\n").map { try JSON(parsing: String($0)) }.filter { $0["stage"]?.stringValue == stage }
        }
        var applied: [JSON] = []
        XCTAssertTrue(try eventually {
            applied = try lines(deployment.green, stage: "incoming")
            let acks = try lines(deployment.blue, stage: "ack")
            return !applied.isEmpty && !acks.isEmpty
        }, deployment.logs)
        let apply = try XCTUnwrap(applied.first)
        XCTAssertEqual(apply["level"], "info")
        XCTAssertEqual(apply["connection"], "sup-incidents")
        XCTAssertEqual(apply["entity"], "SUP-1")
        let tx = try XCTUnwrap(apply["tx"]?.stringValue)
        XCTAssertEqual(try lines(deployment.blue, stage: "ack").first?["tx"]?.stringValue, tx,
                       "the sender's ack line names the same transaction")
    }
}
