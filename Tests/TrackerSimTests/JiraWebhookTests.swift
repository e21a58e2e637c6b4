import Foundation
import TandemHTTP
import TandemJSON
import TrackerSim
import XCTest

final class JiraWebhookTests: XCTestCase {
    private var receiver: WebhookReceiver!
    private var simulator: JiraSimulator!
    private var client: SimClient!

    private func start(failures: Int = 0, secret: String? = nil, accounts: [SimAccount] = []) throws {
        receiver = try WebhookReceiver(failures: failures)
        var configuration = JiraSimulatorConfiguration(user: "sync", password: "secret", webhooks: [receiver.url])
        configuration.webhookSecret = secret
        configuration.accounts = accounts
        simulator = try JiraSimulator(configuration: configuration)
        try simulator.start()
        client = SimClient(base: simulator.baseURL, user: "sync", password: "secret")
    }

    override func tearDown() {
        simulator?.stop()
        receiver?.stop()
    }

    private func createIssue() throws {
        try client.json("POST", "/rest/api/2/issue", ["fields": ["project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": "hook me"]], expect: 201)
    }

    private func events(_ payloads: [JSON]) -> [String] { payloads.compactMap { $0["webhookEvent"]?.stringValue } }

    func testCreate_DeliversIssueCreatedWithUserAndIssue() throws {
        try start()
        try createIssue()
        let payload = receiver.wait { !$0.isEmpty }.first
        XCTAssertEqual(payload?["webhookEvent"], "jira:issue_created")
        XCTAssertEqual(payload?["issue_event_type_name"], "issue_created")
        XCTAssertEqual(payload?["user"]?["name"], "sync")
        XCTAssertEqual(payload?["issue"]?["key"], "SUP-1")
        XCTAssertEqual(payload?["issue"]?["fields"]?["summary"], "hook me")
        XCTAssertNotNil(payload?["timestamp"]?.intValue)
        XCTAssertNotNil(receiver.requests.first?.headers["X-Atlassian-Webhook-Identifier"])
    }

    func testAnEditThroughAFurtherAccount_NamesThatAccountAsTheUser() throws {
        try start(accounts: [SimAccount(user: "tandem-integration", password: "integration-secret")])
        try createIssue()
        let node = SimClient(base: simulator.baseURL, user: "tandem-integration", password: "integration-secret")
        XCTAssertEqual(try node.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "edited by the node"]]).status, 204)
        let payloads = receiver.wait { $0.count >= 2 }
        // Deliveries run on several threads, so they may arrive in either order.
        XCTAssertEqual(payloads.first { $0["webhookEvent"] == "jira:issue_created" }?["user"]?["name"], "sync")
        XCTAssertEqual(payloads.first { $0["webhookEvent"] == "jira:issue_updated" }?["user"]?["name"], "tandem-integration")
        XCTAssertEqual(try node.json("GET", "/rest/api/2/myself")["name"], "tandem-integration")
    }

    func testEdit_DeliversIssueUpdatedWithChangelog() throws {
        try start()
        try createIssue()
        try client.send("PUT", "/rest/api/2/issue/SUP-1", json: ["fields": ["summary": "changed"]])
        let payloads = receiver.wait { $0.count >= 2 }
        let updated = payloads.first { $0["webhookEvent"] == "jira:issue_updated" }
        XCTAssertEqual(updated?["issue_event_type_name"], "issue_updated")
        XCTAssertEqual(updated?["changelog"]?["items"]?[0]?["field"], "summary")
        XCTAssertEqual(updated?["changelog"]?["items"]?[0]?["toString"], "changed")
    }

    func testTransition_IsIssueGenericWithStatusItem() throws {
        try start()
        try createIssue()
        try client.send("POST", "/rest/api/2/issue/SUP-1/transitions", json: ["transition": ["id": "21"]])
        let updated = receiver.wait { $0.count >= 2 }.first { $0["webhookEvent"] == "jira:issue_updated" }
        XCTAssertEqual(updated?["issue_event_type_name"], "issue_generic")
        XCTAssertEqual(updated?["changelog"]?["items"]?[0]?["toString"], "In Progress")
    }

    func testComments_DeliverCommentEventsAndIssueCommented() throws {
        try start()
        try createIssue()
        let comment = try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": "hi"], expect: 201)
        try client.json("PUT", "/rest/api/2/issue/SUP-1/comment/\(comment["id"]!.stringValue!)", ["body": "edited"])
        try client.send("DELETE", "/rest/api/2/issue/SUP-1/comment/\(comment["id"]!.stringValue!)")
        let payloads = receiver.wait { self.events($0).filter { $0.hasPrefix("comment_") }.count >= 3 }
        XCTAssertEqual(events(payloads).filter { $0.hasPrefix("comment_") }, ["comment_created", "comment_updated", "comment_deleted"])
        let commented = payloads.first { $0["issue_event_type_name"] == "issue_commented" }
        XCTAssertEqual(commented?["comment"]?["body"], "hi")
        XCTAssertEqual(payloads.first { $0["webhookEvent"] == "comment_created" }?["issue"]?["key"], "SUP-1")
    }

    func testDelete_DeliversIssueDeleted() throws {
        try start()
        try createIssue()
        try client.send("DELETE", "/rest/api/2/issue/SUP-1")
        XCTAssertTrue(events(receiver.wait { self.events($0).contains("jira:issue_deleted") }).contains("jira:issue_deleted"))
    }

    func testFailingReceiver_IsRetriedWithSameIdentifier() throws {
        try start(failures: 2)
        try createIssue()
        let payloads = receiver.wait { $0.count >= 3 }
        XCTAssertEqual(payloads.count, 3)
        let identifiers = Set(receiver.requests.compactMap { $0.headers["X-Atlassian-Webhook-Identifier"] })
        XCTAssertEqual(identifiers.count, 1)
        XCTAssertEqual(receiver.requests.last?.headers["X-Atlassian-Webhook-Retry"], "2")
    }

    func testSecret_SignsBodyWithHMAC() throws {
        try start(secret: "s3")
        try createIssue()
        _ = receiver.wait { !$0.isEmpty }
        let signature = receiver.requests.first?.headers["X-Hub-Signature"] ?? ""
        XCTAssertTrue(signature.hasPrefix("sha256="), signature)
        XCTAssertEqual(signature.count, "sha256=".count + 64)
    }

    func testRegisteredWebhook_GetsOnlyItsEvents() throws {
        try start()
        let second = try WebhookReceiver()
        defer { second.stop() }
        try client.json("POST", "/rest/webhooks/1.0/webhook", ["name": "n", "url": .string(second.url), "events": ["comment_created"]], expect: 201)
        XCTAssertEqual(try client.json("GET", "/rest/webhooks/1.0/webhook").arrayValue?.count, 1)
        try createIssue()
        try client.json("POST", "/rest/api/2/issue/SUP-1/comment", ["body": "hi"], expect: 201)
        let got = second.wait { !$0.isEmpty }
        _ = receiver.wait { $0.count >= 3 }
        XCTAssertEqual(events(second.payloads), ["comment_created"])
        XCTAssertEqual(got.count, 1)
    }

    func testAttachmentUpload_DeliversAttachmentCreated() throws {
        try start()
        try createIssue()
        let upload = Multipart.build([MultipartPart(name: "file", filename: "a.txt", contentType: "text/plain", body: [65])])
        try client.send("POST", "/rest/api/2/issue/SUP-1/attachments", body: upload.body,
                        headers: ["Content-Type": upload.contentType, "X-Atlassian-Token": "no-check"])
        let created = receiver.wait { self.events($0).contains("attachment_created") }.first { $0["webhookEvent"] == "attachment_created" }
        XCTAssertEqual(created?["attachment"]?["filename"], "a.txt")
        XCTAssertEqual(created?["issue"]?["key"], "SUP-1")
    }
}
