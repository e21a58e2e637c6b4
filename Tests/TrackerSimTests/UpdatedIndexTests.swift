@testable import TrackerSim
import XCTest

final class UpdatedIndexTests: XCTestCase {
    private struct Reference {
        var entries: [(updated: Int64, id: Int)] = []
        var sorted: [(updated: Int64, id: Int)] { entries.sorted { ($0.updated, $0.id) < ($1.updated, $1.id) } }
    }

    private func listed(_ entries: UpdatedIndex<Int>.Entries) -> [String] { entries.map { "\($0.updated)/\($0.id)" } }
    private func listed(_ entries: [(updated: Int64, id: Int)]) -> [String] { entries.map { "\($0.updated)/\($0.id)" } }

    func testInsertsAndRemovesAcrossManyChunks_KeepOneSortedEntryEach() {
        var random = SplitMix64(seed: 7)
        var index = UpdatedIndex<Int>()
        var reference = Reference()
        // Few distinct times, so ties are ordered by id across chunk boundaries.
        for id in 0..<5_000 {
            let updated = Int64(random.next() % 300)
            index.insert(updated: updated, id: id)
            reference.entries.append((updated, id))
        }
        for _ in 0..<3_000 {
            let position = Int(random.next() % UInt64(reference.entries.count))
            let (updated, id) = reference.entries.remove(at: position)
            index.remove(updated: updated, id: id)
            if random.next() % 2 == 0 {
                let newer = Int64(random.next() % 400)
                index.insert(updated: newer, id: id)
                reference.entries.append((newer, id))
            }
        }
        XCTAssertEqual(index.count, reference.entries.count)
        XCTAssertEqual(listed(index.entries()), listed(reference.sorted))
        for bound: Int64 in [-1, 0, 150, 299, 399, 400] {
            XCTAssertEqual(listed(index.entries(from: bound)), listed(reference.sorted.filter { $0.updated >= bound }), "bound \(bound)")
        }
    }

    func testRemovingAnAbsentEntry_ChangesNothing() {
        var index = UpdatedIndex<Int>()
        index.insert(updated: 5, id: 1)
        index.remove(updated: 5, id: 2)
        index.remove(updated: 4, id: 1)
        XCTAssertEqual(listed(index.entries()), ["5/1"])
        index.remove(updated: 5, id: 1)
        XCTAssertEqual(index.count, 0)
        XCTAssertEqual(listed(index.entries(from: 0)), [])
    }
}
