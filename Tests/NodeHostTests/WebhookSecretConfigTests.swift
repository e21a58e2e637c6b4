import NodeHost
import TandemJSON
import XCTest

/// `instances.NAME.webhookSecret` and `trigger.strict` in the node configuration.
final class WebhookSecretConfigTests: XCTestCase {
    private let environment = ["ADMIN": "admin-token-0123456789", "SECRET": "shared-secret-0123456789",
                               "TANDEM_SECRET_JIRA_HOOK": "hook-secret-from-the-store-0123"]

    private func config(webhookSecret: JSON?, strict: JSON? = nil) -> JSON {
        var instance: JSON = ["plugin": "jira-like", "config": ["baseUrl": "http://127.0.0.1:8081", "project": "SUP"]]
        if let webhookSecret { instance["webhookSecret"] = webhookSecret }
        var trigger: JSON = ["query": "project = SUP", "webhook": true]
        if let strict { trigger["strict"] = strict }
        return [
            "node": ["name": "blue", "listen": "127.0.0.1:7101", "dataDir": "data", "adminToken": "${ADMIN}"],
            "instances": ["jira": instance],
            "connections": ["sup": [
                "instance": "jira", "peer": ["url": "http://127.0.0.1:7102", "secret": "${SECRET}"], "trigger": trigger,
                "outgoing": "out.sync", "incoming": "in.sync",
            ]],
        ]
    }

    private func parse(_ json: JSON) throws -> NodeConfig {
        try NodeConfig.parse(json, baseDirectory: "/etc/tandem", environment: environment)
    }

    func testWebhookSecretAbsent_IsNil() throws {
        XCTAssertNil(try parse(config(webhookSecret: nil)).instances["jira"]?.webhookSecret)
    }

    func testWebhookSecretAsString_IsTaken() throws {
        XCTAssertEqual(try parse(config(webhookSecret: "a-literal-hook-secret-0123")).instances["jira"]?.webhookSecret,
                       "a-literal-hook-secret-0123")
    }

    func testWebhookSecretAsSecretReference_ReadsTheNodeSecretStore() throws {
        XCTAssertEqual(try parse(config(webhookSecret: ["secret": "JIRA_HOOK"])).instances["jira"]?.webhookSecret,
                       "hook-secret-from-the-store-0123")
    }

    func testWebhookSecretReferenceToAMissingSecret_NamesTheVariableNotAValue() {
        XCTAssertThrowsError(try parse(config(webhookSecret: ["secret": "NOPE"]))) { error in
            XCTAssertEqual("\(error)", "$.instances.jira.webhookSecret: names secret 'NOPE', but TANDEM_SECRET_NOPE is not set in the node's environment")
        }
    }

    func testShortWebhookSecret_IsRefusedWithoutShowingIt() {
        XCTAssertThrowsError(try parse(config(webhookSecret: "short"))) { error in
            XCTAssertEqual("\(error)", "$.instances.jira.webhookSecret: must be at least 16 characters")
        }
    }

    func testWebhookSecretOfTheWrongType_SaysWhatIsExpected() {
        XCTAssertThrowsError(try parse(config(webhookSecret: 42))) { error in
            XCTAssertEqual("\(error)", "$.instances.jira.webhookSecret: expected a string or {\"secret\": NAME}, got number")
        }
    }

    func testTriggerStrict_DefaultsToFalseAndIsRead() throws {
        XCTAssertEqual(try parse(config(webhookSecret: nil)).connections["sup"]?.trigger.strict, false)
        XCTAssertEqual(try parse(config(webhookSecret: nil, strict: true)).connections["sup"]?.trigger.strict, true)
    }
}
