import NodeHost
import TandemJSON
import TrackerSim
import XCTest

/// With `webhookSecret`, `webhook.parse` takes only deliveries the tracker
/// signed with it (Jira: `X-Hub-Signature`; ServiceNow: `X-Tandem-Signature`).
final class WebhookSignatureTests: XCTestCase {
    private func delivery(_ tracker: TrackerSide.Tracker, simulatorSecret: String?, connectorSecret: String) throws -> (TrackerSide, WebhookReceiver.Delivery) {
        let side = try TrackerSide(tracker, configure: { $0["webhookSecret"] = .string(connectorSecret) },
                                   jira: { $0.webhookSecret = simulatorSecret }, serviceNow: { $0.webhookSecret = simulatorSecret })
        let receiver = try WebhookReceiver()
        side.addWebhook(receiver.url)
        _ = try side.createEntity("signed")
        return (side, receiver.deliveries(count: 1)[0])
    }

    private func parse(_ side: TrackerSide, _ delivery: WebhookReceiver.Delivery) throws -> JSON {
        try side.call("webhook.parse", ["headers": .object(delivery.headers.mapValues(JSON.string)), "body": .string(delivery.body)])
    }

    func testSignedWithTheSameSecret_IsParsed() throws {
        for tracker in [TrackerSide.Tracker.jira, .jiraCloud, .serviceNow] {
            let (side, signed) = try delivery(tracker, simulatorSecret: "hook-secret-1", connectorSecret: "hook-secret-1")
            XCTAssertEqual(try parse(side, signed)["events"]?.arrayValue?.count, 1, "\(tracker)")
        }
    }

    func testSignedWithAnotherSecret_IsRefused() throws {
        for tracker in [TrackerSide.Tracker.jira, .serviceNow] {
            let (side, forged) = try delivery(tracker, simulatorSecret: "someone-else", connectorSecret: "hook-secret-1")
            let error = side.failure("webhook.parse", ["headers": .object(forged.headers.mapValues(JSON.string)), "body": .string(forged.body)])
            XCTAssertEqual(error?.kind, .auth, "\(tracker)")
            XCTAssertTrue(error?.message.contains("does not match") ?? false, error?.message ?? "")
            XCTAssertFalse(error?.message.contains("hook-secret-1") ?? true, "the secret never appears in a message")
        }
    }

    func testUnsignedDelivery_IsRefusedWhenASecretIsConfigured() throws {
        for tracker in [TrackerSide.Tracker.jira, .serviceNow] {
            let (side, unsigned) = try delivery(tracker, simulatorSecret: nil, connectorSecret: "hook-secret-1")
            let error = side.failure("webhook.parse", ["headers": .object(unsigned.headers.mapValues(JSON.string)), "body": .string(unsigned.body)])
            XCTAssertEqual(error?.kind, .auth, "\(tracker)")
            XCTAssertTrue(error?.message.contains("carries no") ?? false, error?.message ?? "")
        }
    }

    func testTamperedBody_IsRefused() throws {
        let (side, signed) = try delivery(.serviceNow, simulatorSecret: "hook-secret-1", connectorSecret: "hook-secret-1")
        let tampered = signed.body.replacingOccurrences(of: "\"insert\"", with: "\"delete\"")
        XCTAssertNotEqual(tampered, signed.body)
        XCTAssertEqual(side.failure("webhook.parse", ["headers": .object(signed.headers.mapValues(JSON.string)), "body": .string(tampered)])?.kind, .auth)
    }
}
