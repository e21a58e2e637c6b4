import NodeHost
import TandemJSON
import XCTest

/// `webhook.parse` on the payloads the simulators really send.
final class WebhookParseTests: XCTestCase {
    private func parse(_ side: TrackerSide, _ delivery: WebhookReceiver.Delivery) throws -> JSON {
        try XCTUnwrap(side.call("webhook.parse", ["headers": .object(delivery.headers.mapValues(JSON.string)), "body": .string(delivery.body)])["events"]?[0])
    }

    func testJira_IssueCreatedCarriesTheEntityAndFlagsTheIntegrationUser() throws {
        let jira = try TrackerSide(.jira)
        let receiver = try WebhookReceiver()
        jira.addWebhook(receiver.url)
        let id = try jira.createEntity("hooked")

        let event = try parse(jira, receiver.deliveries(count: 1)[0])

        XCTAssertEqual(event["kind"], "created")
        XCTAssertEqual(event["id"]?.stringValue, id)
        XCTAssertEqual(event["key"], "SUP-1")
        XCTAssertEqual(event["actor"]?["id"], "sync")
        XCTAssertEqual(event["byIntegrationUser"], true)
        XCTAssertEqual(event["entity"]?["fields"]?["summary"], "hooked")
        XCTAssertEqual(event["entity"]?["updated"], event["updated"])
    }

    func testJira_CommentIsACommentedEventOfAnotherUserWhenConfiguredSo() throws {
        let jira = try TrackerSide(.jira) { $0["integrationUser"] = "someone-else" }
        let id = try jira.createEntity("talk")
        let receiver = try WebhookReceiver()
        jira.addWebhook(receiver.url)
        try jira.call("comment.add", ["id": .string(id), "body": "hi"])

        let events = try receiver.deliveries(count: 2).map { try parse(jira, $0) }

        XCTAssertEqual(events.map { $0["kind"] }, ["commented", "commented"])
        XCTAssertEqual(events.map { $0["byIntegrationUser"] }, [false, false])
    }

    func testJira_BodyThatIsNotAJiraWebhookIsInvalid() throws {
        let jira = try TrackerSide(.jira)
        XCTAssertEqual(jira.failure("webhook.parse", ["headers": [:], "body": "{\"schema\":\"tandem.servicenow.event/1\"}"])?.kind, .invalid)
        XCTAssertEqual(jira.failure("webhook.parse", ["headers": [:], "body": "not json"])?.kind, .invalid)
    }

    func testServiceNow_UpdateNotificationNamesTheRecordAndTheActor() throws {
        let snow = try TrackerSide(.serviceNow)
        let id = try snow.createEntity("watched")
        let receiver = try WebhookReceiver()
        snow.addWebhook(receiver.url)
        try snow.call("update", ["id": .string(id), "fields": ["status": "In Progress"]])

        let event = try parse(snow, receiver.deliveries(count: 1)[0])

        XCTAssertEqual(event["kind"], "updated")
        XCTAssertEqual(event["id"]?.stringValue, id)
        XCTAssertEqual(event["key"], "INC0010001")
        XCTAssertEqual(event["actor"]?["id"], "sync")
        XCTAssertEqual(event["byIntegrationUser"], true)
        XCTAssertNil(event["entity"], "the notification carries no record")
    }

    func testServiceNow_JournalOnlyChangeIsACommentedEvent() throws {
        let snow = try TrackerSide(.serviceNow)
        let id = try snow.createEntity("talk")
        let receiver = try WebhookReceiver()
        snow.addWebhook(receiver.url)
        try snow.call("comment.add", ["id": .string(id), "body": "hello", "internal": true])
        XCTAssertEqual(try parse(snow, receiver.deliveries(count: 1)[0])["kind"], "commented")
    }

    func testServiceNow_BodyThatIsNotTheNotificationIsInvalid() throws {
        let snow = try TrackerSide(.serviceNow)
        XCTAssertEqual(snow.failure("webhook.parse", ["headers": [:], "body": "{\"webhookEvent\":\"jira:issue_created\"}"])?.kind, .invalid)
    }
}
