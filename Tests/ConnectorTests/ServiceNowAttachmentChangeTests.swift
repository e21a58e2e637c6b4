import Foundation
import NodeHost
import TandemJSON
import XCTest

/// ServiceNowLike finds attachments that were a record's last change:
/// attaching a file inserts a `sys_attachment` row and leaves the record's
/// `sys_updated_on` as it was, so both the change notice and `search` must
/// name the record through its attachment.
final class ServiceNowAttachmentChangeTests: XCTestCase {
    private var snow: TrackerSide!

    override func setUpWithError() throws { snow = try TrackerSide(.serviceNow) }
    override func tearDown() { snow = nil }

    private func ids(_ answer: JSON) -> [String] { answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [] }

    /// `2024-01-15T09:19:44.503Z` → (`2024-01-15T09:19:44`, 503): ServiceNow's
    /// second, and the version the connector puts in the milliseconds.
    private func split(_ iso: String?) -> (second: String, millis: Int) {
        let parts = (iso ?? "").split(separator: ".")
        return (String(parts.first ?? ""), Int(parts.dropFirst().first?.prefix(3) ?? "") ?? -1)
    }

    private func attach(_ id: String, _ name: String) throws -> String {
        try snow.call("attachment.put", ["id": .string(id), "filename": .string(name), "mimeType": "text/plain"], blob: Array(name.utf8))
        let attachments = try snow.call("get", ["id": .string(id)])["attachments"]?.arrayValue ?? []
        return try XCTUnwrap(attachments.first { $0["filename"]?.stringValue == name }?["created"]?.stringValue)
    }

    func testWebhookParse_AttachmentNoticeIsAnUpdateOfItsRecordByTheUploader() throws {
        let receiver = try WebhookReceiver()
        let id = try snow.createEntity("Attached")
        snow.addWebhook(receiver.url)

        _ = try attach(id, "trace.txt")

        let delivery = receiver.deliveries(count: 1)[0]
        let events = try snow.call("webhook.parse", ["headers": .object(delivery.headers.mapValues(JSON.string)),
                                                     "body": .string(delivery.body)])["events"]
        XCTAssertEqual(events?.arrayValue?.count, 1)
        XCTAssertEqual(events?[0]?["id"]?.stringValue, id, "the record the file was attached to")
        XCTAssertEqual(events?[0]?["kind"], "updated")
        XCTAssertEqual(events?[0]?["actor"]?["name"]?.stringValue, TrackerSide.user)
        XCTAssertEqual(events?[0]?["byIntegrationUser"], true, "the connector's own upload: the node skips it")
    }

    func testSearch_AttachmentAddedAfterTheCursorHandsOverItsRecordAtTheAttachmentsTime() throws {
        let id = try snow.createEntity("Attached later")
        let cursor = try XCTUnwrap(snow.call("search", ["cursor": nil])["cursor"])
        Thread.sleep(forTimeInterval: 1.1)  // a later second than the record's sys_updated_on

        let created = try attach(id, "later.txt")

        let refs = try snow.call("search", ["cursor": cursor])["refs"]?.arrayValue ?? []
        XCTAssertEqual(refs.compactMap { $0["id"]?.stringValue }, [id], "one ref, the record")
        XCTAssertEqual(split(refs.first?["updated"]?.stringValue).second, split(created).second, "the attachment's second")
        XCTAssertGreaterThanOrEqual(split(refs.first?["updated"]?.stringValue).millis, 500, "an attachment's version")
    }

    func testSearch_AttachmentOfARecordOutsideTheQueryIsNotHandedOver() throws {
        let inside = try snow.createEntity("In scope", extra: ["state": "2"])
        let outside = try snow.createEntity("Out of scope")
        let cursor = try XCTUnwrap(snow.call("search", ["query": "state=2", "cursor": nil])["cursor"])

        _ = try attach(outside, "outside.txt")
        _ = try attach(inside, "inside.txt")

        XCTAssertEqual(ids(try snow.call("search", ["query": "state=2", "cursor": cursor])), [inside])
    }

    func testSearch_ARecordAndItsNewerAttachmentReadInOneCall_AreOneRefThatAnOverlapRepeatsUnchanged() throws {
        let id = try snow.createEntity("Both at once")
        Thread.sleep(forTimeInterval: 1.1)
        let created = try attach(id, "both.txt")

        let first = try snow.call("search", ["cursor": nil])
        let again = try snow.call("search", ["cursor": first["cursor"] ?? .null])

        XCTAssertEqual(ids(first), [id])
        XCTAssertEqual(split(first["refs"]?[0]?["updated"]?.stringValue).second, split(created).second, "the attachment's version")
        XCTAssertEqual(again["refs"], first["refs"], "the node drops the repeat by id and updated")
    }

    func testSearch_AttachmentOlderThanItsRecordsLastChangeIsHandedOverOnlyAsThatChange() throws {
        let id = try snow.createEntity("Changed after attaching")
        let cursor = try XCTUnwrap(snow.call("search", ["cursor": nil])["cursor"])
        _ = try attach(id, "before.txt")
        Thread.sleep(forTimeInterval: 1.1)
        let updated = try XCTUnwrap(snow.call("update", ["id": .string(id), "fields": ["short_description": "edited"]])["updated"])

        let refs = try snow.call("search", ["cursor": cursor])["refs"]?.arrayValue ?? []

        XCTAssertEqual(refs.compactMap { $0["id"]?.stringValue }, [id])
        XCTAssertEqual(split(refs.first?["updated"]?.stringValue).second, split(updated.stringValue).second,
                       "the change, whose read sees the attachment")
        XCTAssertEqual(split(refs.first?["updated"]?.stringValue).millis, 1, "sys_mod_count 1: the record's version")
    }

    func testSearch_ChangeAndAttachmentInTheSecondOfAVersionAlreadyHanded_AreNewVersions() throws {
        let id = try snow.createEntity("Busy second")
        let first = try snow.call("search", ["cursor": nil])
        let seen = try XCTUnwrap(first["refs"]?[0]?["updated"]?.stringValue)
        try snow.call("update", ["id": .string(id), "fields": ["short_description": "edited at once"]])
        _ = try attach(id, "at-once.txt")

        let later = try snow.call("search", ["cursor": first["cursor"] ?? .null])

        let version = try XCTUnwrap(later["refs"]?.arrayValue?.first { $0["id"]?.stringValue == id }?["updated"]?.stringValue)
        XCTAssertNotEqual(version, seen, "the node would drop it as a repeat (ServiceNow stamps whole seconds)")
    }

    func testSearch_TheRecordsAndAttachmentsSweepsTakeTurnsSoNeitherWaitsForTheOther() throws {
        let records = try (0..<3).map { try snow.createEntity("record \($0)") }
        var cursor = try XCTUnwrap(snow.call("search", ["cursor": nil])["cursor"])
        Thread.sleep(forTimeInterval: 1.1)
        let attached = records[0] + "@" + split(try attach(records[0], "first.txt")).second

        // With overlap 0 each new sweep of the records starts at the second
        // they share: the records sweep has a ref for every call of its round.
        var handed: [String] = []
        for _ in 0..<2 {
            let answer = try snow.call("search", ["cursor": cursor, "limit": 1, "overlapSeconds": 0])
            let refs = answer["refs"]?.arrayValue ?? []
            XCTAssertEqual(refs.count, 1, "limit 1, and both sweeps have something")
            handed += refs.map { ($0["id"]?.stringValue ?? "") + "@" + split($0["updated"]?.stringValue).second }
            cursor = answer["cursor"] ?? .null
        }
        XCTAssertTrue(handed.contains(attached), "the attachment within two calls, not after the records' round; handed \(handed)")
    }

    func testSearch_CursorWrittenBeforeAttachmentsWereSwept_FindsAttachmentsWithinTheOverlap() throws {
        let id = try snow.createEntity("Upgraded node")
        let plain = try XCTUnwrap(snow.call("search", ["cursor": nil])["refs"]?[0]?["updated"]?.stringValue)
        Thread.sleep(forTimeInterval: 1.1)
        _ = try attach(id, "after-upgrade.txt")

        // The plain `SearchCursor` form: a caught-up position at an instant.
        XCTAssertEqual(ids(try snow.call("search", ["cursor": .string(plain)])), [id])
    }

    func testSearch_CursorOfAnotherFormIsInvalid() {
        XCTAssertEqual(snow.failure("search", ["cursor": "sn:99:2:1:1:c:x"])?.kind, .invalid)
    }
}
