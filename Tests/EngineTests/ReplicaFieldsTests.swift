@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// The fields behind our replicas in flight: the conflict base for a peer
/// replica built after an older one of ours.
final class ReplicaFieldsTests: XCTestCase {
    func testReplicaFields_EachSeqKeepsItsOwnFields() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { tx in
            for seq in 1...3 { try tx.recordReplicaFields(connection: "c", localID: "10", seq: Int64(seq), fields: ["summary": .string("rev \(seq)")]) }
        }
        XCTAssertEqual(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 2) }, ["summary": "rev 2"])
        XCTAssertNil(try store.read { try $0.replicaFields(connection: "c", localID: "11", seq: 2) })
    }

    func testPruneReplicaFields_AfterAnAck_KeepsTheAcknowledgedAndNewer() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { tx in
            for seq in 1...3 { try tx.recordReplicaFields(connection: "c", localID: "10", seq: Int64(seq), fields: ["summary": .string("rev \(seq)")]) }
            try tx.pruneReplicaFields(connection: "c", localID: "10", below: 2)
        }
        XCTAssertNil(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 1) })
        XCTAssertEqual(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 2) }, ["summary": "rev 2"])
        XCTAssertEqual(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 3) }, ["summary": "rev 3"])
    }

    /// A peer replica built before the peer applied our replica 19 can wait
    /// here (a retry) while the peer's ack of 19 arrives: the fields of 18,
    /// which it names, are its conflict base, and pruning them on the ack
    /// made a false conflict that undid a person's newer edit.
    func testAnAckOvertakingAnOlderPeerReplicaStillWaiting_KeepsTheFieldsItNames() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        let context = ConnectionContext(name: "c", store: store, logger: Logger(node: "blue", minimum: .error), metrics: Metrics())
        let waiting = ReplicaMessage(seq: 6, replica: ["summary": "rev 18"], source: EntityRef(id: "abc"), target: EntityRef(id: "10"),
                                     appliedSeq: 18)
        try store.write { tx in
            var twin = Twin(connection: "c", localID: "10")
            twin.remoteID = "abc"
            try tx.save(twin)
            for seq in 17...19 { try tx.recordReplicaFields(connection: "c", localID: "10", seq: Int64(seq), fields: ["summary": .string("rev \(seq)")]) }
            _ = try tx.storeInbox(connection: "c", kind: .replica, lane: "abc", seq: 6, body: PeerMessage.replica(waiting).json)
        }
        let ack = AckMessage(lane: "10", seq: 19, outcome: .applied(local: EntityRef(id: "abc")))
        _ = try store.write { try $0.storeInbox(connection: "c", kind: .ack, lane: "10", seq: 38, body: PeerMessage.ack(ack).json) }
        let queued = try XCTUnwrap(try store.read { tx in
            try tx.inboxHeads(connection: "c", now: Int64.max, limit: 10).first { $0.kind == .ack }.flatMap { try tx.inboxMessage(id: $0.id) }
        })

        _ = AckStage(context: context, failures: FailurePolicy(context: context)).process(queued, ack)

        XCTAssertNil(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 17) })
        XCTAssertEqual(try store.read { try $0.replicaFields(connection: "c", localID: "10", seq: 18) }, ["summary": "rev 18"])
    }
}
