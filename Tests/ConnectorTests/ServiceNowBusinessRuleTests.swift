import Foundation
import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// The business rule shipped in examples/servicenow, run in Node with
/// stand-ins for the Glide API (BusinessRule/harness.js): it sends what the
/// simulator sends, signed as the connector declares (`X-Tandem-Signature`).
final class ServiceNowBusinessRuleTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    private static let rule = root.appendingPathComponent("examples/servicenow/tandem-notify.js").path
    private static let harness = root.appendingPathComponent("Tests/ConnectorTests/BusinessRule/harness.js").path

    private func node() throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/node"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("node is not installed; the business rule check needs it")
    }

    /// Runs the rule on `record`; answers `{"sent": [requests], "errors": [gs.error texts]}`.
    private func runRule(_ record: JSON) throws -> JSON {
        let folder = TemporaryDirectory("business-rule")
        let recordPath = folder.path + "/record.json"
        try record.text.write(toFile: recordPath, atomically: true, encoding: .utf8)
        let result = try ChildProcess.run(try node(), [Self.harness, Self.rule, recordPath])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSON(parsing: result.stdout)
    }

    private func record(properties: JSON) -> JSON {
        [
            "table": "incident", "operation": "update",
            "fields": ["sys_id": "0123456789abcdef0123456789abcdef", "number": "INC0010002", "short_description": "Printer",
                       "comments": "", "state": "2", "sys_updated_on": "2024-01-15 09:19:44", "sys_mod_count": "4",
                       "sys_updated_by": "fred"],
            "changed": ["comments", "sys_mod_count", "sys_updated_on"],
            "properties": properties,
        ]
    }

    func testNotification_IsSignedAndParsedByTheConnectorAsTheSimulatorsIs() throws {
        let output = try runRule(record(properties: ["x_tandem.hook_url": "https://tandem.example.com/hooks/servicenow",
                                                     "x_tandem.hook_secret": "hook-secret-1"]))
        let request = try XCTUnwrap(output["sent"]?[0])
        XCTAssertEqual(output["sent"]?.arrayValue?.count, 1)
        XCTAssertEqual(request["url"], "https://tandem.example.com/hooks/servicenow")
        let body = try XCTUnwrap(request["body"]?.stringValue)
        let hmac = try ChildProcess.run(try node(), ["-e", "process.stdout.write(require('crypto').createHmac('sha256', process.argv[1]).update(process.argv[2], 'utf8').digest('hex'))",
                                                     "hook-secret-1", body])
        XCTAssertEqual(request["headers"]?["X-Tandem-Signature"]?.stringValue, "sha256=" + hmac.stdout,
                       "the node checks this header (X-Tandem-Signature, sha256-hex) against the instance's webhookSecret")

        let snow = try TrackerSide(.serviceNow)
        let events = try snow.call("webhook.parse", ["headers": request["headers"] ?? [:], "body": .string(body)])["events"]
        XCTAssertEqual(events?[0]?["kind"], "commented", "only comments changed besides system fields")
        XCTAssertEqual(events?[0]?["id"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(events?[0]?["key"], "INC0010002")
        XCTAssertEqual(events?[0]?["actor"]?["id"], "fred")
        XCTAssertEqual(events?[0]?["updated"], "2024-01-15T09:19:44.000Z")

        // The same members as the simulator's notification.
        let receiver = try WebhookReceiver()
        snow.addWebhook(receiver.url)
        _ = try snow.createEntity("reference")
        let simulated = try JSON(parsing: receiver.deliveries(count: 1)[0].body)
        XCTAssertEqual(Set(try JSON(parsing: body).objectValue?.keys.map { $0 } ?? []), Set(simulated.objectValue?.keys.map { $0 } ?? []))
    }

    func testOnSysAttachment_TheRuleAnnouncesTheRecordAttachedToAsAnUpdateByTheUploader() throws {
        let incident: JSON = ["sys_id": "0123456789abcdef0123456789abcdef", "number": "INC0010002", "sys_updated_on": "2024-01-15 09:19:44",
                              "sys_mod_count": "4", "sys_updated_by": "beth"]
        let output = try runRule([
            "table": "sys_attachment", "operation": "insert",
            "fields": ["sys_id": "fedcba9876543210fedcba9876543210", "file_name": "trace.txt", "table_name": "incident",
                       "table_sys_id": "0123456789abcdef0123456789abcdef", "sys_created_on": "2024-01-15 10:00:00",
                       "sys_created_by": "fred", "sys_updated_by": "fred"],
            "changed": ["file_name", "table_name", "table_sys_id"],
            "properties": ["x_tandem.hook_url": "https://tandem.example.com/hooks/servicenow", "x_tandem.hook_secret": "hook-secret-1"],
            "records": ["incident": ["0123456789abcdef0123456789abcdef": incident]],
        ])
        let body = try JSON(parsing: try XCTUnwrap(output["sent"]?[0]?["body"]?.stringValue))
        XCTAssertEqual(body["table"], "incident")
        XCTAssertEqual(body["sys_id"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(body["operation"], "update")
        XCTAssertEqual(body["sys_updated_on"], "2024-01-15 09:19:44", "the record as it is: attaching does not change it")
        XCTAssertEqual(body["sys_updated_by"], "fred", "the uploader, so the node skips its own uploads")
        XCTAssertEqual(body["changed_fields"], ["attachments"])

        let snow = try TrackerSide(.serviceNow)
        let events = try snow.call("webhook.parse", ["headers": output["sent"]?[0]?["headers"] ?? [:], "body": .string(body.text)])["events"]
        XCTAssertEqual(events?[0]?["id"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(events?[0]?["kind"], "updated")

        // The same notice as the simulator's for an attachment.
        let receiver = try WebhookReceiver()
        let id = try snow.createEntity("reference")
        snow.addWebhook(receiver.url)
        try snow.call("attachment.put", ["id": .string(id), "filename": "f.txt", "mimeType": "text/plain"], blob: [1])
        let simulated = try JSON(parsing: receiver.deliveries(count: 1)[0].body)
        XCTAssertEqual(Set(body.objectValue?.keys.map { $0 } ?? []), Set(simulated.objectValue?.keys.map { $0 } ?? []))
        XCTAssertEqual(simulated["operation"], body["operation"])
        XCTAssertEqual(simulated["changed_fields"], body["changed_fields"])
    }

    func testOnSysAttachment_ForARecordAlreadyGone_TheRuleSendsNothing() throws {
        let output = try runRule([
            "table": "sys_attachment", "operation": "insert",
            "fields": ["sys_id": "fedcba9876543210fedcba9876543210", "table_name": "incident",
                       "table_sys_id": "0123456789abcdef0123456789abcdef", "sys_created_by": "fred"],
            "changed": [], "properties": ["x_tandem.hook_url": "https://tandem.example.com/hooks/servicenow", "x_tandem.hook_secret": "s"],
            "records": ["incident": [:]],
        ])
        XCTAssertEqual(output["sent"]?.arrayValue?.count, 0)
    }

    func testWithoutItsSystemProperties_TheRuleSendsNothingAndSaysWhatToSet() throws {
        let output = try runRule(record(properties: [:]))
        XCTAssertEqual(output["sent"]?.arrayValue?.count, 0)
        XCTAssertTrue(output["errors"]?[0]?.stringValue?.contains("x_tandem.hook_url") ?? false, output.text)
    }
}
