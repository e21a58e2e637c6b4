import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// The entity history table: appended with the transaction it records,
/// found under either side's id, bounded by age and count per entity.
final class HistoryStoreTests: XCTestCase {
    private let folder = TemporaryDirectory("history")
    private var store: Store!

    override func setUpWithError() throws { store = try Store(path: folder.file("tandem.db")) }

    func testEventsOfOneEntity_ComeBackOldestFirst_WhetherRecordedUnderTheLocalOrThePeerId() throws {
        try store.write { tx in
            try tx.recordHistory(.received, connection: "c", remote: "R1", tx: "R1#1", ["seq": 1], now: 1_000)
            try tx.recordHistory(.applied, connection: "c", entity: "L1", remote: "R1", tx: "R1#1", ["created": true], now: 2_000)
            try tx.recordHistory(.noticed, connection: "c", entity: "L1", ["source": "webhook"], now: 3_000)
            try tx.recordHistory(.noticed, connection: "c", entity: "L2", ["source": "poll"], now: 3_500)
            try tx.recordHistory(.noticed, connection: "other", entity: "L1", ["source": "poll"], now: 3_600)
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: "R1", limit: 100) }
        XCTAssertEqual(events.map(\.kind), [.received, .applied, .noticed])
        XCTAssertEqual(events.map(\.tx), ["R1#1", "R1#1", nil])
        XCTAssertEqual(events[1].detail["created"], true)
        XCTAssertEqual(events[1].summary, "replica applied: created")
    }

    func testAnEventOfARolledBackTransaction_IsNotInTheHistory() throws {
        struct Boom: Error {}
        XCTAssertThrowsError(try store.write { tx in
            try tx.recordHistory(.applied, connection: "c", entity: "L1", ["fields": ["summary"]])
            throw Boom()
        })
        XCTAssertEqual(try store.read { try $0.historyCount() }, 0)
    }

    func testWithHistoryOff_NothingIsRecorded() throws {
        store.recordsHistory = false
        try store.write { try $0.recordHistory(.noticed, connection: "c", entity: "L1", ["source": "manual"]) }
        XCTAssertEqual(try store.read { try $0.historyCount() }, 0)
    }

    func testPruning_KeepsTheNewestEventsPerEntity_AndDropsThoseOlderThanTheCutoff() throws {
        try store.write { tx in
            for index in 0..<10 { try tx.recordHistory(.noticed, connection: "c", entity: "busy", now: 10_000 + Int64(index)) }
            try tx.recordHistory(.noticed, connection: "c", entity: "quiet", now: 10_000)
            try tx.recordHistory(.noticed, connection: "c", entity: "ancient", now: 1)
        }
        let deleted = try store.write { try $0.pruneHistory(olderThan: 5_000, keepPerEntity: 3) }
        XCTAssertEqual(deleted, 8)
        let busy = try store.read { try $0.history(connection: "c", entity: "busy", remote: nil, limit: 100) }
        XCTAssertEqual(busy.map(\.at), [10_007, 10_008, 10_009])
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "quiet", remote: nil, limit: 100) }.count, 1)
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "ancient", remote: nil, limit: 100) }.count, 0)
    }

    func testAPassAfterAnother_CapsOnlyWhatGrewSince_AndDropsWhatAgedSince() throws {
        try store.write { tx in
            for index in 0..<5 { try tx.recordHistory(.noticed, connection: "c", entity: "busy", now: 10_000 + Int64(index)) }
            try tx.recordHistory(.noticed, connection: "c", remote: "R9", now: 10_000)
        }
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 5_000, keepPerEntity: 3) }, 2)
        let mark = try store.read { try $0.newestHistoryID() }
        try store.write { tx in
            for index in 5..<8 { try tx.recordHistory(.noticed, connection: "c", entity: "busy", now: 10_000 + Int64(index)) }
            for index in 0..<4 { try tx.recordHistory(.noticed, connection: "c", remote: "R9", now: 10_100 + Int64(index)) }
        }
        // R9's first event is now too old; busy and R9 each went over the cap.
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 10_001, keepPerEntity: 3, after: mark) }, 5)
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "busy", remote: nil, limit: 100) }.map(\.at), [10_005, 10_006, 10_007])
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: nil, remote: "R9", limit: 100) }.map(\.at), [10_101, 10_102, 10_103])
    }

    func testThePrunersSecondPass_StillCapsAnEntityThatGrew() throws {
        var retention = NodeConfig.History()
        retention.maxEventsPerEntity = 2
        let pruner = HistoryPruner(store: store, retention: retention, logger: Logger(node: "test", minimum: .error))
        let now: Int64 = 10 * 86_400_000
        try store.write { tx in for index in 0..<3 { try tx.recordHistory(.noticed, connection: "c", entity: "L", now: now + Int64(index)) } }
        XCTAssertEqual(pruner.pruneOnce(now: now), 1)
        try store.write { tx in for index in 3..<6 { try tx.recordHistory(.noticed, connection: "c", entity: "L", now: now + Int64(index)) } }
        XCTAssertEqual(pruner.pruneOnce(now: now), 3)
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "L", remote: nil, limit: 100) }.map(\.at), [now + 4, now + 5])
    }

    func testThePruner_AppliesTheConfiguredRetention() throws {
        var retention = NodeConfig.History()
        retention.maxEventsPerEntity = 2
        retention.maxAgeDays = 1
        let now: Int64 = 10 * 86_400_000
        try store.write { tx in
            for index in 0..<4 { try tx.recordHistory(.noticed, connection: "c", entity: "L", now: now - Int64(index)) }
            try tx.recordHistory(.noticed, connection: "c", entity: "old", now: now - 2 * 86_400_000)
        }
        let pruner = HistoryPruner(store: store, retention: retention, logger: Logger(node: "test", minimum: .error))
        XCTAssertEqual(pruner.pruneOnce(now: now), 3)
        XCTAssertEqual(try store.read { try $0.historyCount() }, 2)
    }

    func testTheLimit_ReturnsTheNewestEvents() throws {
        try store.write { tx in
            for index in 0..<5 { try tx.recordHistory(.noticed, connection: "c", entity: "L", now: Int64(index)) }
        }
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "L", remote: nil, limit: 2) }.map(\.at), [3, 4])
    }

    func testAReplicaNotSentRightAfterAnApply_IsAnEcho_OtherwiseUnchanged() throws {
        try store.write { tx in
            try tx.recordNotSent(connection: "c", entity: "L1", remote: nil)
            try tx.recordApplied(connection: "c", entity: "L1", remote: "R1", seq: 1, changes: ["fields": ["summary": "x"]],
                                 created: false, comments: 1, attachments: 0)
            try tx.recordNotSent(connection: "c", entity: "L1", remote: "R1")
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: "R1", limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.unchanged, .applied, .echo])
        XCTAssertEqual(events[1].summary, "replica 1 applied: fields summary; 1 comment(s) added")
    }

    func testABuiltReplica_NamesTheMembersThatChanged() throws {
        try store.write { tx in
            try tx.recordBuilt(connection: "c", entity: "L1", remote: nil, seq: 2, replica: ["summary": "new", "priority": "High"],
                               previous: ["summary": "old", "priority": "High", "gone": true])
        }
        let event = try XCTUnwrap(try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 1) }.first)
        XCTAssertEqual(event.tx, "L1#2")
        XCTAssertEqual(event.detail["changed"], ["gone", "summary"])
    }

    func testAReceivedReplica_IsFiledUnderTheLocalTwinWhenOneExists() throws {
        try store.write { tx in
            var twin = Twin(connection: "c", localID: "L1")
            twin.remoteID = "R1"
            try tx.save(twin)
            try tx.recordReceived(connection: "c", kind: .replica, lane: "R1", seq: 4)
            try tx.recordReceived(connection: "c", kind: .ack, lane: "R1", seq: 9)
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.received])
        XCTAssertEqual(events.first?.tx, "R1#4")
    }

    func testAPause_IsKeptInTheStore() throws {
        XCTAssertNil(try store.read { try $0.storedPause(connection: "c") })
        try store.write { try $0.storePause(connection: "c", paused: true) }
        let reopened = try Store(path: folder.file("tandem.db"))
        XCTAssertEqual(try reopened.read { try $0.storedPause(connection: "c") }, true)
    }
}
