@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// What `tandem connect` and `tandem unsync` do to a twin, on either node.
final class LinkRulesTests: XCTestCase {
    private func twin(status: TwinStatus = .active, remoteID: String? = nil, sentHash: String? = nil) -> Twin {
        var twin = Twin(connection: "c", localID: "10")
        twin.status = status
        twin.remoteID = remoteID
        twin.remoteKey = remoteID.map { "INC-\($0)" }
        twin.lastSentHash = sentHash
        return twin
    }

    func testWhyNotLinkable_NoTwinOrUnsyncedTwin_IsLinkable() {
        XCTAssertNil(LinkRules.whyNotLinkable(nil, label: "SUP-1"))
        XCTAssertNil(LinkRules.whyNotLinkable(twin(status: .unsynced, remoteID: "7", sentHash: "h"), label: "SUP-1"))
    }

    func testWhyNotLinkable_TwinnedLinkingOrFirstSyncUnderway_SaysWhy() throws {
        XCTAssertEqual(LinkRules.whyNotLinkable(twin(remoteID: "7"), label: "SUP-1"), "SUP-1 is already twinned with INC-7")
        XCTAssertTrue(try XCTUnwrap(LinkRules.whyNotLinkable(twin(status: .linking), label: "SUP-1")).contains("being linked"))
        XCTAssertTrue(try XCTUnwrap(LinkRules.whyNotLinkable(twin(sentHash: "h"), label: "SUP-1")).contains("first replica"))
    }

    func testLinked_TakesThePeerEntityAndSeq_AndForgetsWhatWasSentBefore() {
        var before = twin(status: .unsynced, sentHash: "old")
        before.nextSeq = 9
        before.lastAppliedSeq = 4
        before.lastSentReplica = ["summary": "old"]
        before.lastReceivedReplica = ["summary": "older"]
        before.base = ["summary": "old"]

        let linked = LinkRules.linked(before, to: EntityRef(id: "55", key: "INC-55", url: "http://x/55"), lastSeq: 12)

        XCTAssertEqual(linked.status, .active)
        XCTAssertEqual([linked.remoteID, linked.remoteKey, linked.remoteURL], ["55", "INC-55", "http://x/55"])
        XCTAssertEqual(linked.lastAppliedSeq, 12, "the peer's next replica (13) is not taken for a duplicate")
        XCTAssertEqual(linked.nextSeq, 9, "own seqs never go back")
        XCTAssertNil(linked.lastSentHash, "the next change is sent whole")
        XCTAssertNil(linked.lastSentReplica)
        XCTAssertNil(linked.lastReceivedReplica)
        XCTAssertNil(linked.base)
    }

    func testUnsynced_ClearsThePeerIDAndKeepsItsKeyForTheRecord() {
        let unsynced = LinkRules.unsynced(twin(remoteID: "7"), why: "unsynced here")
        XCTAssertEqual(unsynced.status, .unsynced)
        XCTAssertNil(unsynced.remoteID)
        XCTAssertEqual(unsynced.remoteKey, "INC-7")
        XCTAssertEqual(unsynced.remoteStatus, "unsynced here")
    }

    func testLinkRequest_IsAnsweredOnlyOnce() throws {
        let folder = TemporaryDirectory("links")
        let store = try Store(path: folder.file("tandem.db"))
        let request = LinkRequest(connection: "c", localID: "10", seq: 5, action: .link, localKey: "SUP-1", remoteKey: "INC-7")
        try store.write { try $0.saveLinkRequest(request) }

        XCTAssertTrue(try store.write { try $0.answerLinkRequest(connection: "c", localID: "10", seq: 5, state: .linked, reason: nil) })
        XCTAssertFalse(try store.write { try $0.answerLinkRequest(connection: "c", localID: "10", seq: 5, state: .refused, reason: "late") })
        XCTAssertEqual(try store.read { try $0.linkRequest(connection: "c", localID: "10", seq: 5) }?.state, .linked)
    }

    func testNextLinkSeq_GrowsPastEveryEarlierRequest() throws {
        let folder = TemporaryDirectory("links")
        let store = try Store(path: folder.file("tandem.db"))
        let far = Int64.max / 2
        try store.write { try $0.saveLinkRequest(LinkRequest(connection: "c", localID: "10", seq: far, action: .unlink)) }
        XCTAssertEqual(try store.read { try $0.nextLinkSeq(connection: "c", localID: "10") }, far + 1)
        XCTAssertEqual(try store.read { try $0.nextLinkSeq(connection: "c", localID: "11", now: 42) }, 42)
    }
}
