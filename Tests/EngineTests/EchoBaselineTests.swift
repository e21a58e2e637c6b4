@testable import NodeHost
import TandemJSON
import XCTest

/// The echo baseline never absorbs a change someone else made mid-apply.
final class EchoBaselineTests: XCTestCase {
    private let before: JSON = [
        "id": "1", "fields": ["summary": "old", "updated": "t1", "status": ["name": "To Do"]],
        "comments": [["id": "c1", "body": "first"]],
    ]

    private func foreign(_ after: JSON, written: JSON = ["fields": ["summary": "new"]], added: Set<String> = [],
                         reads: Set<String> = ["summary", "status", "comments"]) -> String? {
        EchoBaseline.foreignChange(before: before, after: after, written: written, addedComments: added, reads: reads)
    }

    func testOwnFieldWriteAndDerivedFields_AreNotForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "updated": "t2", "status": ["name": "To Do"]],
                           "comments": [["id": "c1", "body": "first"]]]
        XCTAssertNil(foreign(after))
    }

    func testOwnAddedComment_IsNotForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "To Do"]],
                           "comments": [["id": "c1", "body": "first"], ["id": "c2", "body": "[Ann] synced"]]]
        XCTAssertNil(foreign(after, added: ["c2"]))
    }

    func testSomeoneElsesComment_IsForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "To Do"]],
                           "comments": [["id": "c1", "body": "first"], ["id": "c9", "body": "a human reply"]]]
        XCTAssertEqual(foreign(after), "comment c9")
    }

    func testAReadFieldChangedWithoutOurWrite_IsForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "In Progress"]],
                           "comments": [["id": "c1", "body": "first"]]]
        XCTAssertEqual(foreign(after), "field status")
    }

    func testAFieldTheScriptDoesNotRead_DoesNotMatter() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "In Progress"]],
                           "comments": [["id": "c1", "body": "first"]]]
        XCTAssertNil(foreign(after, reads: ["summary"]))
    }

    func testOwnAddedAttachment_IsNotForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "To Do"]],
                           "comments": [["id": "c1", "body": "first"]], "attachments": [["id": "a7", "filename": "dump.bin"]]]
        XCTAssertNil(EchoBaseline.foreignChange(before: before, after: after, written: ["fields": ["summary": "new"]],
                                                addedComments: [], addedAttachments: ["a7"], reads: ["summary", "attachments"]))
    }

    func testSomeoneElsesAttachment_IsForeign() {
        let after: JSON = ["id": "1", "fields": ["summary": "new", "status": ["name": "To Do"]],
                           "comments": [["id": "c1", "body": "first"]],
                           "attachments": [["id": "a7", "filename": "dump.bin"], ["id": "a8", "filename": "human.png"]]]
        XCTAssertEqual(EchoBaseline.foreignChange(before: before, after: after, written: ["fields": ["summary": "new"]],
                                                  addedComments: [], addedAttachments: ["a7"], reads: ["summary", "attachments"]),
                       "attachment a8")
    }
}

/// Replicas are whole-state snapshots: a batch carries only each entity's newest.
final class PeerSenderCoalescingTests: XCTestCase {
    private func message(_ id: Int64, _ kind: QueuedMessage.Kind, lane: String, seq: Int64) -> QueuedMessage {
        QueuedMessage(id: id, connection: "c", kind: kind, lane: lane, seq: seq, body: .null, at: 0, attempts: 0)
    }

    func testCoalesced_KeepsTheNewestReplicaPerLane_AndEveryAck_InOrder() {
        let batch = [message(1, .replica, lane: "a", seq: 1), message(2, .replica, lane: "b", seq: 1),
                     message(3, .ack, lane: "x", seq: 3), message(4, .replica, lane: "a", seq: 2),
                     message(5, .ack, lane: "x", seq: 5), message(6, .replica, lane: "a", seq: 3)]
        XCTAssertEqual(PeerSender.coalesced(batch).map(\.id), [2, 3, 5, 6])
    }
}

/// What the peer holds us to have after an apply whose result could not
/// become the echo baseline because the entity held changes not yet sent.
///
/// The race (history checker, alternating pairs): green had sent state
/// Resolved; blue's replica set In Progress while a ServiceNow edit was
/// still unsent, so no baseline was adopted and green's last sent replica
/// kept Resolved. A person then resolved the incident again; green's next
/// replica said Resolved with `previous` Resolved, the Jira script saw no
/// change of state, and Jira stayed In Progress for good.
final class PeerKnownReplicaTests: XCTestCase {
    func testAMemberThePeersApplyChanged_TakesItsNewValue() {
        let known = EchoBaseline.peerKnown(lastSent: ["state": "Resolved", "short_description": "s1"],
                                           before: ["state": "Resolved", "short_description": "s2"],
                                           after: ["state": "In Progress", "short_description": "s2"])
        XCTAssertEqual(known["state"], "In Progress", "the peer wrote In Progress: it knows it")
    }

    func testAnUnsentLocalChange_KeepsTheValueLastSent() {
        let known = EchoBaseline.peerKnown(lastSent: ["state": "Resolved", "short_description": "s1"],
                                           before: ["state": "Resolved", "short_description": "s2"],
                                           after: ["state": "In Progress", "short_description": "s2"])
        XCTAssertEqual(known["short_description"], "s1", "s2 was never sent: it must still show as a change")
    }

    func testAMemberTheApplyAdded_IsKnown_AndOneItRemoved_IsGone() {
        let known = EchoBaseline.peerKnown(lastSent: ["priority": "2 - High", "assignee": "a@example.com"],
                                           before: ["priority": "2 - High", "assignee": "a@example.com"],
                                           after: ["priority": "2 - High", "state": "New"])
        XCTAssertEqual(known, ["priority": "2 - High", "state": "New"])
    }

    func testAListHoldingUnsentElements_KeepsTheValueLastSent() {
        let known = EchoBaseline.peerKnown(lastSent: ["comments": []],
                                           before: ["comments": [["id": "c1"]]],
                                           after: ["comments": [["id": "c1"], ["id": "c2"]]])
        XCTAssertEqual(known["comments"], [], "c1 was never sent")
    }
}
