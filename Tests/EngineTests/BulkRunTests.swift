@testable import NodeHost
import TandemJSON
import XCTest

/// A `tandem sync --query` run's progress: each poll re-checks a bounded
/// batch of members, whatever the run's size, and the counts add up.
final class BulkRunTests: XCTestCase {
    private func run(members count: Int) -> BulkRun {
        let run = BulkRun(id: "run-1", connection: "c", query: "")
        for number in 0..<count where run.admit("\(number)") { run.queued("\(number)", key: "K-\(number)") }
        return run
    }

    func testEachPoll_ChecksAtMostOneBatchOfMembers() throws {
        let run = run(members: 1_200)
        var checked: [Int] = []
        for _ in 0..<4 {
            _ = try run.progress { ids in
                checked.append(ids.count)
                return Dictionary(uniqueKeysWithValues: ids.map { ($0, BulkRun.MemberState.synced) })
            }
        }
        XCTAssertEqual(checked, [BulkRun.refreshBatch, BulkRun.refreshBatch, 1_200 - 2 * BulkRun.refreshBatch],
                       "a poll never re-checks every member; the fourth has nothing left to check")
    }

    func testCounts_AddUpAsMembersSyncPark_AndRecover() throws {
        let run = run(members: 60)
        run.finishSearch(failure: nil)
        var progress = try run.progress { ids in
            Dictionary(uniqueKeysWithValues: ids.map { ($0, Int($0)! < 10 ? .synced : (Int($0)! < 13 ? .parked("bad summary") : .pending)) })
        }
        XCTAssertEqual([progress["matched"], progress["synced"], progress["parked"], progress["pending"]], [60, 10, 3, 47])
        XCTAssertEqual(progress["parkedEntities"]?.arrayValue?.first?["reason"], "bad summary")
        XCTAssertEqual(progress["pendingEntities"]?.arrayValue?.count, BulkRun.listed, "lists are capped")
        progress = try run.progress { ids in Dictionary(uniqueKeysWithValues: ids.map { ($0, .synced) }) }
        XCTAssertEqual([progress["synced"], progress["parked"], progress["pending"]], [60, 0, 0], "parked members that sync later count as synced")
        XCTAssertEqual(progress["searching"], false)
    }

    func testTwoPollsAtOnce_CountEachSyncedMemberOnce() throws {
        let run = run(members: 700)
        run.finishSearch(failure: nil)
        let allSynced = { (ids: [String]) in Dictionary(uniqueKeysWithValues: ids.map { ($0, BulkRun.MemberState.synced) }) }
        // The second poll runs while the first is reading the store, and moves members the first one picked.
        _ = try run.progress { ids in
            _ = try run.progress(allSynced)
            return allSynced(ids)
        }
        let progress = try run.progress(allSynced)
        XCTAssertEqual([progress["synced"], progress["pending"]], [700, 0])
        XCTAssertEqual(progress["pendingEntities"]?.arrayValue?.count, 0)
    }

    func testParkedAndPendingLists_NameEachMemberByItsKey() throws {
        let run = run(members: 3)
        let progress = try run.progress { ids in
            Dictionary(uniqueKeysWithValues: ids.map { ($0, $0 == "1" ? .parked("bad summary") : .pending) })
        }
        XCTAssertEqual(progress["parkedEntities"], [["id": "1", "key": "K-1", "reason": "bad summary"]])
        XCTAssertEqual(Set(progress["pendingEntities"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []), ["K-0", "K-2"])
    }

    func testRepeatsAcrossPages_AreOneMember() {
        let run = BulkRun(id: "run-1", connection: "c", query: "")
        XCTAssertTrue(run.admit("7"))
        XCTAssertFalse(run.admit("7"))
    }
}
