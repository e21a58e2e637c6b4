import PluginKit
import XCTest

/// `SearchPager` against a tracker model that answers "updated at or after a
/// minute, in (updated, id) order, from an offset", as Jira does.
final class SearchPagerTests: XCTestCase {
    /// Entities by id with their `updated`; ids compare as the tracker's tie-breaker.
    private final class Tracker {
        var updated: [String: Int64] = [:]
        var requests = 0

        var pager: SearchPager { pager(canSeek: true) }

        func pager(canSeek: Bool) -> SearchPager {
            SearchPager(pageSize: 4, canSeek: canSeek, floor: { $0 - $0 % 60_000 }, fetch: { request in
                self.requests += 1
                let ordered = self.updated.filter { request.bound == nil || $0.value >= request.bound! }
                    .sorted { ($0.value, $0.key) < ($1.value, $1.key) }
                let slice = ordered.dropFirst(request.startAt).prefix(request.count)
                return SearchPager.Page(refs: slice.map { SearchRef(id: $0.key, key: nil, updated: $0.value) },
                                        isLast: request.startAt + slice.count >= ordered.count)
            })
        }

        /// Calls until caught up; returns every id handed over, in order.
        func follow(from cursor: inout SearchCursor?, limit: Int, overlapMs: Int64 = 60_000, maxCalls: Int = 100) throws -> [String] {
            var ids: [String] = []
            for _ in 0..<maxCalls {
                let result = try pager.run(cursor: cursor, overlapMs: overlapMs, limit: limit)
                ids += result.refs.map(\.id)
                cursor = result.cursor
                if !result.more { return ids }
            }
            XCTFail("still not caught up after \(maxCalls) calls")
            return ids
        }
    }

    private let minute: Int64 = 1_700_000_040_000   // a minute boundary

    private func ids(_ range: ClosedRange<Int>) -> [String] { range.map { String(format: "e%03d", $0) } }

    func testAPageFullOfTies_MovesOnInsteadOfReturningTheSamePage() throws {
        let tracker = Tracker()
        for id in ids(1...12) { tracker.updated[id] = minute + 500 }
        var cursor: SearchCursor?
        var calls: [[String]] = []
        for _ in 0..<3 {
            let result = try tracker.pager.run(cursor: cursor, overlapMs: 60_000, limit: 5)
            calls.append(result.refs.map(\.id))
            cursor = result.cursor
        }
        XCTAssertEqual(calls, [ids(1...5), ids(6...10), ids(11...12)])
        XCTAssertEqual(cursor?.caughtUp, true)
    }

    func testFollowingTheCursor_HandsOverEveryMatchOnceInOrder() throws {
        let tracker = Tracker()
        for (number, id) in ids(1...30).enumerated() { tracker.updated[id] = minute + Int64(number / 3) * 10 }
        var cursor: SearchCursor?
        XCTAssertEqual(try tracker.follow(from: &cursor, limit: 7), ids(1...30))
    }

    func testEntitiesChangedBehindThePosition_DoNotMakeTheNextPageSkipAny() throws {
        let tracker = Tracker()
        for (number, id) in ids(1...20).enumerated() { tracker.updated[id] = minute + Int64(number) * 100 }
        var cursor: SearchCursor?
        let first = try tracker.pager.run(cursor: cursor, overlapMs: 60_000, limit: 8)
        XCTAssertEqual(first.refs.map(\.id), ids(1...8))
        cursor = first.cursor
        // Five entities already handed over change: they leave the window's
        // start, so the position's offset hint now overshoots by five.
        for (number, id) in ids(1...5).enumerated() { tracker.updated[id] = minute + 50_000 + Int64(number) }
        let rest = try tracker.follow(from: &cursor, limit: 4)
        XCTAssertEqual(rest, ids(9...20) + ids(1...5))
    }

    func testThePositionsOwnEntityChanging_HandsItsTiesOverAgainRatherThanSkippingThem() throws {
        let tracker = Tracker()
        for id in ids(1...6) { tracker.updated[id] = minute + 700 }
        let first = try tracker.pager.run(cursor: nil, overlapMs: 60_000, limit: 3)
        XCTAssertEqual(first.refs.map(\.id), ids(1...3))
        tracker.updated["e003"] = minute + 900
        var cursor = first.cursor
        let rest = try tracker.follow(from: &cursor, limit: 10)
        XCTAssertEqual(rest, ids(1...2) + ids(4...6) + ["e003"], "ties of a vanished position are repeated, never skipped")
    }

    func testACaughtUpCursor_RereadsTheOverlapWindowOnly() throws {
        let tracker = Tracker()
        tracker.updated["old"] = minute - 10 * 60_000
        for (number, id) in ids(1...3).enumerated() { tracker.updated[id] = minute + 5 * 60_000 + Int64(number) * 1000 }
        var cursor: SearchCursor?
        _ = try tracker.follow(from: &cursor, limit: 100)
        XCTAssertEqual(cursor?.caughtUp, true)
        // Committed late: an `updated` before the position, within the overlap.
        tracker.updated["late"] = minute + 5 * 60_000 + 500
        let again = try tracker.follow(from: &cursor, limit: 100)
        XCTAssertEqual(Set(again), Set(ids(1...3) + ["late"]), "the window is re-read; what lies before it is not")
    }

    func testAStaleOffsetHint_StepsBackAPageAtATime() throws {
        let tracker = Tracker()
        for (number, id) in ids(1...40).enumerated() { tracker.updated[id] = minute + Int64(number) }
        let first = try tracker.pager.run(cursor: nil, overlapMs: 60_000, limit: 30)
        XCTAssertEqual(first.cursor?.skip, 30)
        for (number, id) in ids(1...20).enumerated() { tracker.updated[id] = minute + 30_000 + Int64(number) }
        var cursor = first.cursor
        XCTAssertEqual(try tracker.follow(from: &cursor, limit: 100), ids(31...40) + ids(1...20))
    }

    func testWithoutSeeking_EachCallReadsItsWindowFromTheStart() throws {
        let tracker = Tracker()
        for id in ids(1...9) { tracker.updated[id] = minute + 1 }
        var cursor: SearchCursor?
        var seen: [String] = []
        for _ in 0..<3 {
            let result = try tracker.pager(canSeek: false).run(cursor: cursor, overlapMs: 60_000, limit: 3)
            seen += result.refs.map(\.id)
            cursor = result.cursor
        }
        XCTAssertEqual(seen, ids(1...9))
    }

    func testCursorText_RoundTripsAndReadsABareTimestampAsCaughtUp() {
        let cursor = SearchCursor(updated: minute, id: "a:b", skip: 3, caughtUp: false)
        XCTAssertEqual(SearchCursor(text: cursor.text), cursor)
        XCTAssertEqual(SearchCursor(text: "2023-11-14T22:14:00.000Z"), SearchCursor(updated: minute, id: "", skip: 0, caughtUp: true))
        XCTAssertNil(SearchCursor(text: "yesterday"))
        XCTAssertNil(SearchCursor(text: "2:x:1:c:id"))
    }
}
