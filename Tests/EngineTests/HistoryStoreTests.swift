import Foundation
@testable import NodeHost
import TandemJSON
import TandemSQL
import TandemTime
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
        // Appended in time order, as the stages append them.
        try store.write { tx in
            try tx.recordHistory(.noticed, connection: "c", entity: "ancient", now: 1)
            for index in 0..<10 { try tx.recordHistory(.noticed, connection: "c", entity: "busy", now: 10_000 + Int64(index)) }
            try tx.recordHistory(.noticed, connection: "c", entity: "quiet", now: 10_000)
        }
        let pass = try store.write { try $0.pruneHistory(olderThan: 5_000, keepPerEntity: 3) }
        XCTAssertEqual(pass.deleted, 8)
        let busy = try store.read { try $0.history(connection: "c", entity: "busy", remote: nil, limit: 100) }
        XCTAssertEqual(busy.map(\.at), [10_007, 10_008, 10_009])
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "quiet", remote: nil, limit: 100) }.count, 1)
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "ancient", remote: nil, limit: 100) }.count, 0)
    }

    func testAPass_CountsOnlyEntitiesWithNewEvents_AndNamesTheNewestIdForTheNext() throws {
        try store.write { tx in
            for index in 0..<5 { try tx.recordHistory(.noticed, connection: "c", entity: "busy", now: 10_000 + Int64(index)) }
        }
        let first = try store.write { try $0.pruneHistory(olderThan: 0, keepPerEntity: 2) }
        XCTAssertEqual(first.deleted, 3)
        try store.write { tx in
            for index in 0..<4 { try tx.recordHistory(.noticed, connection: "c", entity: "quiet", now: 20_000 + Int64(index)) }
            for index in 0..<3 { try tx.recordHistory(.received, connection: "c", remote: "R", now: 20_000 + Int64(index)) }
        }
        let second = try store.write { try $0.pruneHistory(olderThan: 0, keepPerEntity: 2, since: first.newest) }
        XCTAssertEqual(second.deleted, 3, "2 of quiet and 1 of the peer's R; busy is already within bounds")
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: "quiet", remote: nil, limit: 10) }.map(\.at), [20_002, 20_003])
        XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: nil, remote: "R", limit: 10) }.count, 2)
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 0, keepPerEntity: 2, since: second.newest) }.deleted, 0)
    }

    func testAPass_LooksAtAWindowOfNewEvents_AndSaysWhenMoreIsLeft() throws {
        try store.write { tx in
            for entity in ["A", "B", "C"] {
                for index in 0..<3 { try tx.recordHistory(.noticed, connection: "c", entity: entity, now: 10_000 + Int64(index)) }
            }
        }
        let first = try store.write { try $0.pruneHistory(olderThan: 0, keepPerEntity: 1, window: 4) }
        XCTAssertEqual(first.deleted, 2 + 2, "the window holds A's 3 events and B's first: both are brought down to one")
        XCTAssertTrue(first.more)
        let second = try store.write { try $0.pruneHistory(olderThan: 0, keepPerEntity: 1, since: first.newest, window: 4) }
        XCTAssertEqual(second.deleted, 0 + 2, "the rest: B is within bounds already, C is brought down to one")
        XCTAssertFalse(second.more)
        for entity in ["A", "B", "C"] {
            XCTAssertEqual(try store.read { try $0.history(connection: "c", entity: entity, remote: nil, limit: 10) }.map(\.at), [10_002])
        }
    }

    func testOldEventsGo_OldestFirst_AtMostABatchPerPass() throws {
        try store.write { tx in
            for index in 0..<5 { try tx.recordHistory(.noticed, connection: "c", entity: "L\(index)", now: Int64(index)) }
            try tx.recordHistory(.noticed, connection: "c", entity: "new", now: 1_000)
        }
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 100, keepPerEntity: 10, batch: 3) }.deleted, 3)
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 100, keepPerEntity: 10, batch: 3) }.deleted, 2)
        XCTAssertEqual(try store.write { try $0.pruneHistory(olderThan: 100, keepPerEntity: 10, batch: 3) }.deleted, 0)
        XCTAssertEqual(try store.read { try $0.historyCount() }, 1)
    }

    func testThePruner_AppliesTheConfiguredRetention() throws {
        var retention = NodeConfig.History()
        retention.maxEventsPerEntity = 2
        retention.maxAgeDays = 1
        let now: Int64 = 10 * 86_400_000
        try store.write { tx in
            try tx.recordHistory(.noticed, connection: "c", entity: "old", now: now - 2 * 86_400_000)
            for index in 0..<4 { try tx.recordHistory(.noticed, connection: "c", entity: "L", now: now - 3 + Int64(index)) }
        }
        let pruner = HistoryPruner(store: store, retention: retention, logger: Logger(node: "test", minimum: .error))
        XCTAssertEqual(pruner.pruneOnce(now: now), 3)
        XCTAssertEqual(try store.read { try $0.historyCount() }, 2)
    }

    func testThePruner_CatchesUpABacklogLargerThanAPass_WithoutWaitingItsInterval() throws {
        var retention = NodeConfig.History()
        retention.maxEventsPerEntity = 1
        try store.write { tx in
            for index in 0..<12_000 {
                try tx.recordHistory(.noticed, connection: "c", entity: "L\(index)", now: Timestamp.now())
                try tx.recordHistory(.noticed, connection: "c", entity: "L\(index)", now: Timestamp.now())
            }
        }
        let metrics = Metrics()
        let pruner = HistoryPruner(store: store, retention: retention, logger: Logger(node: "test", minimum: .error), metrics: metrics,
                                   intervalSeconds: 600)
        pruner.start()
        defer { pruner.stop() }
        XCTAssertTrue(eventually(timeout: 60) { metrics.counter("tandem_history_prune_passes_total", ["left": "none"]) == 1 },
                      "24,000 events need three passes of 10,000; the interval alone would take 20 minutes")
        XCTAssertEqual(metrics.counter("tandem_history_prune_passes_total", ["left": "work"]), 2)
        XCTAssertEqual(try store.read { try $0.historyCount() }, 12_000)
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
            try tx.recordApplied(connection: "c", entity: "L1", remote: "R1", remoteKey: nil, seq: 1, changes: ["fields": ["summary": "x"]],
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
            try tx.recordReceived(connection: "c", .replica(ReplicaMessage(seq: 4, replica: [:], source: EntityRef(id: "R1"))))
            try tx.recordReceived(connection: "c", .ack(AckMessage(lane: "R1", seq: 9, outcome: .failed(reason: "x"))))
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.received])
        XCTAssertEqual(events.first?.tx, "R1#4")
    }

    func testADeliveredAck_IsFiledUnderTheTwinWithItsReplicasTx() throws {
        try store.write { tx in
            var twin = Twin(connection: "c", localID: "L1")
            twin.remoteID = "R1"
            try tx.save(twin)
            let ack = AckMessage(lane: "R1", seq: 4, outcome: .applied(local: EntityRef(id: "L1")))
            try tx.recordSent([QueuedMessage(id: 1, connection: "c", kind: .ack, lane: "R1", seq: ack.inboxSeq, body: ack.json, at: 0, attempts: 0)],
                              connection: "c")
        }
        let event = try XCTUnwrap(try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }.first)
        XCTAssertEqual(event.tx, "R1#4")
        XCTAssertEqual(event.summary, "ack of replica 4 delivered to the peer")
    }

    func testAnAppliedCreate_LinksTheEntity_UnderTheReplicasTx() throws {
        try store.write { tx in
            try tx.recordApplied(connection: "c", entity: "L1", remote: "R1", remoteKey: "SUP-1", seq: 1, changes: [:],
                                 created: true, comments: 0, attachments: 0)
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: "R1", limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.applied, .linked])
        XCTAssertEqual(events.map(\.tx), ["R1#1", "R1#1"])
        XCTAssertEqual(events[1].summary, "created here for the peer's SUP-1: twins from now on")
    }

    func testALinkRequest_ItsMessagesAndItsAnswer_ShareOneTxOnBothNodes() throws {
        let link = LinkMessage(lane: "A1", seq: 1, source: EntityRef(id: "A1", key: "SUP-9"), remoteKey: "INC9", lastSeq: 0)
        let asker = try Store(path: folder.file("asker.db"))
        try asker.write { tx in
            try tx.recordLinkRequested(connection: "c", entity: "A1", remoteKey: "INC9", seq: 1)
            try tx.recordSent([QueuedMessage(id: 1, connection: "c", kind: .link, lane: "A1", seq: 1, body: link.json, at: 0, attempts: 0)],
                              connection: "c")
        }
        try store.write { tx in
            try tx.recordReceived(connection: "c", .link(link))
            try tx.recordLinked(connection: "c", entity: "B1", answering: link)
        }
        let asked = try asker.read { try $0.history(connection: "c", entity: "A1", remote: nil, limit: 10) }
        let answered = try store.read { try $0.history(connection: "c", entity: "B1", remote: "A1", limit: 10) }
        XCTAssertEqual(asked.map(\.kind), [.linkRequested, .sent])
        XCTAssertEqual(answered.map(\.kind), [.received, .linked])
        XCTAssertEqual(Set((asked + answered).map(\.tx)), ["A1#link1"])
        XCTAssertEqual(answered.map(\.summary), ["link message received from the peer for SUP-9",
                                                 "twinned with the peer's SUP-9 at the peer's request"])
    }

    func testNoticesInARow_AreOneEventWithTheirCount_UntilAnotherStep() throws {
        try store.write { tx in
            for index in 0..<5 { try tx.recordNoticed(connection: "c", entity: "L1", source: index == 4 ? "poll" : "webhook", now: Int64(index)) }
            try tx.recordBuilt(connection: "c", entity: "L1", remote: nil, seq: 1, replica: [:], previous: nil)
            try tx.recordNoticed(connection: "c", entity: "L1", source: "webhook", now: 10)
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.noticed, .built, .noticed])
        XCTAssertEqual(events[0].at, 0)
        XCTAssertEqual(events[0].summary, "change noticed (poll), 5 times, the last at 1970-01-01T00:00:00.004Z")
        XCTAssertEqual(events[2].summary, "change noticed (webhook)")
    }

    func testARunOfTransientRetries_IsOneEvent_CountingAttemptsAndNamingTheNextOne() throws {
        let change = PendingChange(connection: "c", localID: "L1", localKey: "SUP-1", source: "webhook", version: 1, noticedAt: 0, attempts: 0)
        try store.write { tx in
            try tx.recordHistory(.noticed, connection: "c", entity: "L1", ["source": "webhook"], now: 1)
            for attempt in 0..<500 {
                var retried = change
                retried.attempts = attempt
                try tx.recordRetry(retried, reason: attempt == 0 ? "HTTP 503" : "HTTP 429", next: 86_400_000 + Int64(attempt))
            }
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 1_000) }
        XCTAssertEqual(events.map(\.kind), [.noticed, .retrying])
        let run = events[1]
        XCTAssertEqual(run.detail["count"], 500)
        XCTAssertEqual(run.detail["attempt"], 500)
        XCTAssertEqual(run.detail["reason"], "HTTP 429")
        XCTAssertEqual(run.detail["firstReason"], "HTTP 503")
        XCTAssertEqual(run.detail["nextMs"], .int(86_400_499))
        XCTAssertEqual(run.summary, "retrying (outgoing) after a transient error: HTTP 429 (500 times); next attempt 1970-01-02T00:00:00.499Z")
    }

    func testARetryAfterAnotherStep_StartsANewRun() throws {
        let change = PendingChange(connection: "c", localID: "L1", localKey: nil, source: "poll", version: 1, noticedAt: 0, attempts: 0)
        try store.write { tx in
            try tx.recordRetry(change, reason: "timeout", next: 10)
            try tx.recordBuilt(connection: "c", entity: "L1", remote: nil, seq: 1, replica: [:], previous: nil)
            try tx.recordRetry(change, reason: "timeout", next: 20)
        }
        let events = try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }
        XCTAssertEqual(events.map(\.kind), [.retrying, .built, .retrying])
        XCTAssertEqual(events.map { $0.detail["count"] }, [1, nil, 1])
    }

    func testAChangeWaitingForOtherWork_SaysItWaits() throws {
        let change = PendingChange(connection: "c", localID: "L1", localKey: "SUP-1", source: "poll", version: 1, noticedAt: 0, attempts: 0)
        try store.write { try $0.recordRetry(change, reason: "SUP-1 waits for the peer to answer its link request", next: 0, waiting: true) }
        let event = try XCTUnwrap(try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 1) }.first)
        XCTAssertEqual(event.summary, "deferred (outgoing): SUP-1 waits for the peer to answer its link request; next attempt 1970-01-01T00:00:00.000Z")
    }

    func testARetriedReplica_IsFiledUnderItsTwinWithTheReplicasTx() throws {
        try store.write { tx in
            var twin = Twin(connection: "c", localID: "L1")
            twin.remoteID = "R1"
            try tx.save(twin)
            let message = QueuedMessage(id: 1, connection: "c", kind: .replica, lane: "R1", seq: 3, body: [:], at: 0, attempts: 2)
            try tx.recordRetry(message, connection: "c", reason: "tracker unavailable", next: 5)
        }
        let event = try XCTUnwrap(try store.read { try $0.history(connection: "c", entity: "L1", remote: nil, limit: 10) }.first)
        XCTAssertEqual(event.kind, .retrying)
        XCTAssertEqual(event.tx, "R1#3")
        XCTAssertEqual(event.detail["stage"], "incoming")
        XCTAssertEqual(event.detail["attempt"], 3)
    }

    func testTheStatementsOfOneEntitysHistory_SearchIndexes_NeverTheWholeConnection() throws {
        let change = PendingChange(connection: "c", localID: "L1", localKey: nil, source: "poll", version: 1, noticedAt: 0, attempts: 0)
        try store.write { tx in
            try tx.recordHistory(.received, connection: "c", remote: "R1", tx: "R1#1")
            try tx.recordNotSent(connection: "c", entity: "L1", remote: "R1")
            try tx.recordRetry(change, reason: "timeout", next: 1)
            try tx.recordRetry(QueuedMessage(id: 1, connection: "c", kind: .replica, lane: "R9", seq: 1, body: [:], at: 0, attempts: 0),
                               connection: "c", reason: "timeout", next: 1)
            try tx.adoptHistory(connection: "c", entity: "L1", remote: "R1")
        }
        _ = try store.read { try $0.history(connection: "c", entity: "L1", remote: "R1", limit: 10) }
        let statements = store.preparedSQL.filter { $0.contains("history") && !$0.hasPrefix("INSERT") && !$0.hasPrefix("EXPLAIN") }
        XCTAssertGreaterThanOrEqual(statements.count, 4, "\(statements)")
        for sql in statements {
            let parameters = [SQLValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
            let plan = try store.read { tx in try tx.query("EXPLAIN QUERY PLAN " + sql, parameters) { $0.text(3) ?? "" } }
            let whole = plan.filter { $0.hasPrefix("SCAN history") || ($0.hasPrefix("SEARCH history") && !$0.contains("entity=?") && !$0.contains("remote=?") && !$0.contains("rowid=?")) }
            XCTAssertEqual(whole, [], "\(sql)\n\(plan.joined(separator: "\n"))")
        }
    }

    func testAPause_IsKeptInTheStore() throws {
        XCTAssertNil(try store.read { try $0.storedPause(connection: "c") })
        try store.write { try $0.storePause(connection: "c", paused: true) }
        let reopened = try Store(path: folder.file("tandem.db"))
        XCTAssertEqual(try reopened.read { try $0.storedPause(connection: "c") }, true)
    }
}
