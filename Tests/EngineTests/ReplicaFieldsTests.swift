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
}
