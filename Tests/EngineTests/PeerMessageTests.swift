@testable import NodeHost
import TandemJSON
import XCTest

/// The node-to-node messages: one shape per kind, decoded with a reason for
/// each malformed member, and read across minor versions.
final class PeerMessageTests: XCTestCase {
    private let replica = ReplicaMessage(seq: 3, replica: ["summary": "Printer"],
                                         source: EntityRef(id: "10001", key: "SUP-1", url: "http://j/SUP-1", updated: "2026-12-03T08:00:00.000Z"),
                                         target: EntityRef(id: "abc", key: "INC0010001"), noticedAt: 5, sentAt: 6, appliedSeq: 2,
                                         stance: ConflictStance(rule: .remoteWins, node: "blue"))

    func testEveryKindSurvivesEncodingAndDecoding() throws {
        let messages: [PeerMessage] = [
            .replica(replica),
            .ack(AckMessage(lane: "10001", seq: 3, outcome: .applied(local: EntityRef(id: "abc", key: "INC0010001", url: "u")))),
            .ack(AckMessage(lane: "10001", seq: 4, outcome: .failed(reason: "script error"))),
            .link(LinkMessage(lane: "10001", seq: 1, source: EntityRef(id: "10001", key: "SUP-1"), remoteKey: "INC0010001", lastSeq: 7)),
            .unlink(UnlinkMessage(lane: "10001", seq: 2, source: EntityRef(id: "10001", key: "SUP-1"))),
            .linkAck(LinkAckMessage(lane: "10001", seq: 1, outcome: .linked, local: EntityRef(id: "abc"), lastSeq: 0)),
        ]
        for message in messages {
            XCTAssertEqual(try PeerMessage(decoding: JSON(parsing: message.json.serialized())), message)
        }
    }

    func testAStanceWithARuleThisNodeDoesNotKnow_IsReadAsNoStance() throws {
        var json = PeerMessage.replica(replica).json
        json["conflicts"] = ["rule": "oldest-wins", "node": "blue"]
        guard case .replica(let decoded) = try PeerMessage(decoding: json) else { return XCTFail("not a replica") }
        XCTAssertNil(decoded.stance)
    }

    func testMalformedMembersAreNamed() {
        func reason(_ json: JSON) -> String {
            do { _ = try PeerMessage(decoding: json); return "decoded" } catch { return error.description }
        }
        XCTAssertEqual(reason(["seq": 1]), "message member 'message.kind' is missing")
        XCTAssertEqual(reason(["kind": "gossip"]), "unknown message kind 'gossip'")
        XCTAssertEqual(reason(["kind": "replica", "seq": "1", "replica": [:], "source": ["id": "1"]]),
                       "message member 'replica.seq' must be an integer")
        XCTAssertEqual(reason(["kind": "replica", "seq": 1, "replica": [:]]), "message member 'replica.source' is missing")
        XCTAssertEqual(reason(["kind": "replica", "seq": 1, "replica": [:], "source": ["key": "SUP-1"]]),
                       "message member 'replica.source.id' is missing")
        XCTAssertEqual(reason(["kind": "ack", "lane": "1", "seq": 1, "outcome": "maybe"]),
                       "message member 'ack.outcome' has an unknown value 'maybe'")
    }

    func testAnAckOrdersAFailureBeforeTheSuccessOfTheSameReplica() {
        let failed = AckMessage(lane: "1", seq: 5, outcome: .failed(reason: "x"))
        let applied = AckMessage(lane: "1", seq: 5, outcome: .applied(local: EntityRef(id: "2")))
        XCTAssertLessThan(failed.inboxSeq, applied.inboxSeq)
        XCTAssertLessThan(applied.inboxSeq, AckMessage(lane: "1", seq: 6, outcome: .failed(reason: "x")).inboxSeq)
    }

    func testAReplicaHoldsItsPeerLaneAndItsLocalTwin_AnAckItsEntityLane() {
        XCTAssertEqual(PeerMessage.replica(replica).laneKeys(localTwin: "77"), ["in:10001", "entity:77"])
        XCTAssertEqual(PeerMessage.replica(replica).laneKeys(localTwin: nil), ["in:10001"])
        XCTAssertEqual(PeerMessage.ack(AckMessage(lane: "77", seq: 1, outcome: .failed(reason: ""))).laneKeys(localTwin: nil),
                       ["ack:77", "entity:77"])
    }

    func testABatchOfTheOlderMinorVersionIsRead() throws {
        // Protocol 1.0: no version member, replicas without appliedSeq or sentAt.
        let batch: JSON = ["messages": [["kind": "replica", "seq": 1, "replica": ["summary": "x"], "source": ["id": "9"]]]]
        let messages = try ProtocolVersion.messages(ofBatch: batch).map { json throws(ProtocolError) in try PeerMessage(decoding: json) }
        guard case .replica(let message)? = messages.first else { return XCTFail("expected a replica") }
        XCTAssertEqual(message.appliedSeq, 0)
        XCTAssertNil(message.sentAt)
    }

    func testANewerMinorVersionsUnknownMembersAreIgnored() throws {
        var json = replica.json
        json["originNode"] = "blue"
        let batch: JSON = ["protocol": "1.7", "messages": [json]]
        XCTAssertEqual(try ProtocolVersion.messages(ofBatch: batch).map { json throws(ProtocolError) in try PeerMessage(decoding: json) },
                       [.replica(replica)])
    }

    func testAnotherMajorVersionIsRefusedNamingBoth() {
        XCTAssertThrowsError(try ProtocolVersion.messages(ofBatch: ["protocol": "2.0", "messages": []])) { error in
            XCTAssertTrue("\(error)".contains("peer protocol 2.0 is not supported: this node speaks \(ProtocolVersion.current)"), "\(error)")
        }
    }
}
