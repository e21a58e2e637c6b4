@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// The fields behind replicas in flight: what an ack makes the conflict base.
final class SentFieldsTests: XCTestCase {
    private func store(_ folder: TemporaryDirectory) throws -> Store { try Store(path: folder.file("tandem.db")) }

    func testTakeSentFields_AckOfAReplica_GivesItsFieldsAndForgetsItAndOlderOnes() throws {
        let folder = TemporaryDirectory()
        let store = try store(folder)
        try store.write { tx in
            for seq in 1...3 { try tx.recordSentFields(connection: "c", localID: "10", seq: Int64(seq), fields: ["summary": .string("rev \(seq)")]) }
        }
        XCTAssertEqual(try store.write { try $0.takeSentFields(connection: "c", localID: "10", seq: 2) }, ["summary": "rev 2"])
        XCTAssertNil(try store.write { try $0.takeSentFields(connection: "c", localID: "10", seq: 1) }, "older ones went with it")
        XCTAssertEqual(try store.write { try $0.takeSentFields(connection: "c", localID: "10", seq: 3) }, ["summary": "rev 3"])
    }

    func testTakeSentFields_AfterAnApplyDroppedThem_GivesNothing() throws {
        let folder = TemporaryDirectory()
        let store = try store(folder)
        try store.write { try $0.recordSentFields(connection: "c", localID: "10", seq: 1, fields: ["summary": "rev 1"]) }
        try store.write { try $0.dropSentFields(connection: "c", localID: "10") }
        XCTAssertNil(try store.write { try $0.takeSentFields(connection: "c", localID: "10", seq: 1) },
                     "an ack older than the last apply must not move the base back")
    }
}
