import Foundation
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// What a node may believe of a webhook, end to end with real simulators and
/// nodes: with a `webhookSecret` only a delivery the tracker signed is taken;
/// without one a delivery is a notice, and only what the node read from the
/// tracker itself reaches the other tracker.
final class WebhookTrustEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Webhooks only (no polling), so everything that moves was announced by one.
    /// `jiraQuery` replaces blue's trigger query; `strict` sets its trigger.strict.
    private func start(secrets: Bool, jiraQuery: String? = nil, strict: Bool = false) throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.signedWebhooks = secrets
        options.editConfig = { node, config in
            if node == "blue" {
                if let jiraQuery { config["connections"]?[SyncDeployment.connection]?["trigger"]?["query"] = .string(jiraQuery) }
                if strict { config["connections"]?[SyncDeployment.connection]?["trigger"]?["strict"] = true }
            }
        }
        deployment = try SyncDeployment.local(options)
    }

    private func syncedPair(_ summary: String) throws -> (key: String, sysID: String) {
        let key = try deployment.jira.createIssue(summary)
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: summary) != nil }, deployment.logs)
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: summary)?["sys_id"]?.stringValue)
        return (key, sysID)
    }

    /// A Jira webhook body built from the real issue, with the given changes.
    private func forgedJiraEvent(_ event: String, issue: JSON, summary: String? = nil, attachments: [JSON]? = nil) -> [UInt8] {
        var issue = issue
        if let summary { issue["fields"]?["summary"] = .string(summary) }
        if let attachments { issue["fields"]?["attachment"] = .array(attachments) }
        // Later than anything sent, so a node that trusted the body would send it.
        issue["fields"]?["updated"] = "2099-01-01T00:00:00.000+0000"
        return JSON.object([
            "timestamp": .int(4_070_908_800_000), "webhookEvent": .string(event), "issue_event_type_name": "issue_updated",
            "user": ["name": "mallory", "emailAddress": "mallory@example.com", "displayName": "Mallory"], "issue": issue,
        ]).serialized()
    }

    private func postToBlueHook(_ body: [UInt8], signature: String? = nil) throws -> HTTPClientResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let signature { headers["X-Hub-Signature"] = signature }
        return try HTTPClient(maxIdleConnectionsPerHost: 0).send(HTTPClientRequest(
            method: "POST", url: deployment.blue.url + "/hooks/jira", headers: headers, body: body, timeoutSeconds: 30))
    }

    private func createLabelledIssue(_ summary: String, label: String) throws -> String {
        try deployment.jira.request("POST", "/rest/api/2/issue", ["fields": [
            "project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": .string(summary),
            "labels": [.string(label)],
        ]])["key"]?.stringValue ?? ""
    }

    /// How many entities blue's scope check has kept from being sent.
    private func blueOutOfScopeDecisions() throws -> Double {
        try deployment.blue.metricSum("tandem_scope_checks_total", labels: "result=\"out\"")
    }

    // MARK: - With a secret

    func testUnsignedAndBadlySignedWebhooks_Get401AndChangeNothingOnEitherTracker() throws {
        try start(secrets: true)
        let (key, sysID) = try syncedPair("Signed only")
        let issue = try deployment.jira.issue(key)
        let forgedUpdate = forgedJiraEvent("jira:issue_updated", issue: issue, summary: "FORGED")
        var phantom = issue
        phantom["id"] = "99999"
        phantom["key"] = "SUP-999"
        let forgedCreate = forgedJiraEvent("jira:issue_created", issue: phantom, summary: "FORGED NEW")
        let hex64 = String(repeating: "ab", count: 32)
        let badSignatures: [String?] = [
            nil, "sha256=" + hex64, hex64, "sha1=" + hex64, "sha256=" + hex64.dropLast(), "sha256=" + hex64 + "00",
            "sha256=" + hex64.dropLast() + "z", "sha256=", "",
        ]

        for signature in badSignatures {
            for body in [forgedUpdate, forgedCreate] {
                let response = try postToBlueHook(body, signature: signature)
                XCTAssertEqual(response.status, 401, "signature \(signature ?? "(none)")")
            }
        }

        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        let incident = try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]
        XCTAssertEqual(incident?["short_description"]?.stringValue, "Signed only")
        XCTAssertEqual(try deployment.jira.issue(key)["fields"]?["summary"]?.stringValue, "Signed only")
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "FORGED NEW"))
        XCTAssertTrue(deployment.blue.stderr.contains("webhook refused"), "each refusal is logged")
        XCTAssertFalse(deployment.blue.stderr.contains("FORGED"), "the refused body is not logged")
    }

    func testSignedWebhooksFromBothTrackers_AreTakenAndSync() throws {
        try start(secrets: true)
        _ = try syncedPair("Signed by Jira")

        try deployment.serviceNow.createIncident("Signed by ServiceNow")

        XCTAssertTrue(try eventually(timeout: 30) { try !deployment.jira.searchIssues("summary ~ \"Signed by ServiceNow\"").isEmpty },
                      deployment.logs)
    }

    // MARK: - Without a secret

    func testWithoutASecret_AForgedPayloadsContentNeverReachesTheOtherTracker() throws {
        try start(secrets: false)
        let (key, sysID) = try syncedPair("Real summary")
        let issue = try deployment.jira.issue(key)
        var phantom = issue
        phantom["id"] = "99999"
        phantom["key"] = "SUP-999"

        XCTAssertEqual(try postToBlueHook(forgedJiraEvent("jira:issue_updated", issue: issue, summary: "FORGED")).status, 200)
        XCTAssertEqual(try postToBlueHook(forgedJiraEvent("jira:issue_created", issue: phantom, summary: "FORGED NEW")).status, 200)

        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        let incident = try deployment.serviceNow.request("GET", "/api/now/table/incident/\(sysID)")["result"]
        XCTAssertEqual(incident?["short_description"]?.stringValue, "Real summary")
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "FORGED NEW"), "an issue Jira does not have is never created")
        XCTAssertTrue(deployment.blue.stderr.contains("not authenticated"), "the node warned at start")
    }

    func testWithoutASecret_AForgedAttachmentIDIsNeverFetched() throws {
        try start(secrets: false)
        let (owner, ownerSysID) = try syncedPair("Owner of the secret file")
        let secretFile = try deployment.jira.attachToIssue(owner, filename: "salaries.xlsx", bytes: Array("secret bytes".utf8))
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incidentAttachments(ownerSysID).count == 1 }, deployment.logs)
        let (target, targetSysID) = try syncedPair("Target of the forgery")
        let listed = try XCTUnwrap(try deployment.jira.issueAttachments(owner).first { $0["id"]?.stringValue == secretFile })

        let response = try postToBlueHook(forgedJiraEvent("jira:issue_updated", issue: try deployment.jira.issue(target),
                                                          attachments: [listed]))
        XCTAssertEqual(response.status, 200)
        try deployment.jira.editIssue(target, ["summary": "Target of the forgery, edited"])

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Target of the forgery, edited") != nil },
                      deployment.logs)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(targetSysID).count, 0, "the other issue's file was not copied")
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(ownerSysID).count, 1)
    }

    func testWithoutASecret_AnAttachmentIDOfAnIssueOutsideTheScopeIsNeverEvenRead() throws {
        try start(secrets: false, jiraQuery: "project = SUP AND labels = sync")
        let owner = try createLabelledIssue("Internal, with a file", label: "internal")
        let secretFile = try deployment.jira.attachToIssue(owner, filename: "salaries.xlsx", bytes: Array("secret bytes".utf8))
        let listed = try XCTUnwrap(try deployment.jira.issueAttachments(owner).first { $0["id"]?.stringValue == secretFile })
        let target = try createLabelledIssue("Shared, no files", label: "sync")
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Shared, no files") != nil },
                      deployment.logs)

        let forged = forgedJiraEvent("jira:issue_updated", issue: try deployment.jira.issue(target), attachments: [listed])
        XCTAssertEqual(try postToBlueHook(forged).status, 200)

        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        let blobs = (try? FileManager.default.contentsOfDirectory(atPath: deployment.folder + "/data/blue/blobs")) ?? []
        XCTAssertEqual(blobs, [], "blue never read an attachment: none of its issues in scope has one")
        let sysID = try XCTUnwrap(try deployment.serviceNow.incident(shortDescription: "Shared, no files")?["sys_id"]?.stringValue)
        XCTAssertEqual(try deployment.serviceNow.incidentAttachments(sysID).count, 0)
    }

    // MARK: - Scope

    func testOutOfScopeIssueAnnouncedByASignedWebhook_IsNeverSent() throws {
        try start(secrets: true, jiraQuery: "project = SUP AND labels = sync")

        _ = try createLabelledIssue("CONFIDENTIAL", label: "internal")
        _ = try createLabelledIssue("Shared with the partner", label: "sync")

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Shared with the partner") != nil },
                      deployment.logs)
        XCTAssertTrue(try eventually(timeout: 30) { try blueOutOfScopeDecisions() >= 1 }, "the webhook of the internal issue was judged")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "CONFIDENTIAL"))
    }

    func testOutOfScopeIssueThatComesIntoTheQuery_IsSentThen() throws {
        try start(secrets: true, jiraQuery: "project = SUP AND labels = sync")
        let key = try createLabelledIssue("Internal at first", label: "internal")
        XCTAssertTrue(try eventually(timeout: 30) { try blueOutOfScopeDecisions() >= 1 }, "the creation's webhook was judged")

        try deployment.jira.editIssue(key, ["labels": ["sync"]])

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Internal at first") != nil },
                      deployment.logs)
    }

    func testBulkSyncOfABroaderQuery_SendsOnlyTheScopeAndListsTheRestAsOutOfScope() throws {
        var options = SyncDeployment.Options(webhooks: false, pollSeconds: nil)
        options.editConfig = { node, config in
            if node == "blue" { config["connections"]?[SyncDeployment.connection]?["trigger"]?["query"] = "project = SUP AND labels = sync" }
        }
        deployment = try SyncDeployment.local(options)
        _ = try createLabelledIssue("Bulk, shared", label: "sync")
        let internalKey = try createLabelledIssue("Bulk, internal", label: "internal")

        let result = try deployment.run(["sync", "--query", "project = SUP", "--connection", SyncDeployment.connection, "--timeout", "60"],
                                        node: "blue")

        XCTAssertTrue(result.stdout.contains("2 matched, 1 synced, 0 parked, 0 still pending, 0 skipped, 1 out of scope"), result.stdout)
        XCTAssertTrue(result.stdout.contains("not sent \(internalKey): does not match trigger.query 'project = SUP AND labels = sync'"),
                      result.stdout)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Bulk, internal"))
        XCTAssertNotNil(try deployment.serviceNow.incident(shortDescription: "Bulk, shared"))
    }

    func testTwoConnectionsOfOneInstance_EachSendsOnlyItsOwnScope() throws {
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.signedWebhooks = true
        options.editConfig = { node, config in
            let main = SyncDeployment.connection
            guard var second = config["connections"]?[main] else { return }
            if node == "blue" {
                config["connections"]?[main]?["trigger"]?["query"] = "project = SUP AND labels = sync"
                second["trigger"]?["query"] = "project = SUP AND labels = internal"
            } else {
                second["trigger"]?["query"] = "numberSTARTSWITHNONE"  // sends nothing new of its own
            }
            config["connections"]?["sup-internal"] = second
        }
        deployment = try SyncDeployment.local(options)

        _ = try createLabelledIssue("For the sync connection", label: "sync")
        _ = try createLabelledIssue("For the internal connection", label: "internal")

        XCTAssertTrue(try eventually(timeout: 30) {
            try deployment.serviceNow.incident(shortDescription: "For the sync connection") != nil
                && deployment.serviceNow.incident(shortDescription: "For the internal connection") != nil
        }, deployment.logs)
        XCTAssertTrue(try eventually(timeout: 30) { try blueOutOfScopeDecisions() >= 2 }, "each connection judged the other's issue")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        let summaries = try deployment.serviceNow.incidents().compactMap { $0["short_description"]?.stringValue }.sorted()
        XCTAssertEqual(summaries, ["For the internal connection", "For the sync connection"], "each issue sent once, by its own connection")
        XCTAssertEqual(try deployment.jira.searchIssues("project = SUP").count, 2, "nothing came back as a new issue")
    }

    func testSyncKeyOfAnOutOfScopeEntity_IsRefusedWithTheReason() throws {
        try start(secrets: true, jiraQuery: "project = SUP AND labels = sync")
        let key = try createLabelledIssue("Internal only", label: "internal")

        let result = try deployment.run(["sync", key, "--connection", SyncDeployment.connection], node: "blue")

        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("does not match trigger.query 'project = SUP AND labels = sync'"), result.stderr)
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Internal only"))
    }

    func testLinkedIssueThatLeavesTheQuery_KeepsSyncingWithoutStrict() throws {
        try start(secrets: true, jiraQuery: "project = SUP AND labels = sync")
        let key = try createLabelledIssue("Shared, then relabelled", label: "sync")
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Shared, then relabelled") != nil },
                      deployment.logs)

        try deployment.jira.editIssue(key, ["labels": ["internal"], "summary": "Out of the query now"])

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Out of the query now") != nil },
                      deployment.logs)
    }

    func testWithTriggerStrict_ALinkedIssueThatLeavesTheQueryIsSentOnlyOnceItMatchesAgain() throws {
        try start(secrets: true, jiraQuery: "project = SUP AND labels = sync", strict: true)
        let key = try createLabelledIssue("Strictly shared", label: "sync")
        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Strictly shared") != nil },
                      deployment.logs)

        try deployment.jira.editIssue(key, ["labels": ["internal"], "summary": "Made internal"])
        XCTAssertTrue(try eventually(timeout: 30) { try blueOutOfScopeDecisions() >= 1 }, "the edit's webhook was judged")
        XCTAssertTrue(deployment.waitUntilIdle(seconds: 30), deployment.logs)
        XCTAssertNil(try deployment.serviceNow.incident(shortDescription: "Made internal"))
        try deployment.jira.editIssue(key, ["labels": ["sync"], "summary": "Shared again"])

        XCTAssertTrue(try eventually(timeout: 30) { try deployment.serviceNow.incident(shortDescription: "Shared again") != nil },
                      deployment.logs)
    }
}
