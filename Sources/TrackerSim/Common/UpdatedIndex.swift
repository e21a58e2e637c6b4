/// Records ordered by `(updated, id)`, for searches ordered by update time
/// that start at a lower bound: a binary search finds the bound, and a page
/// costs the same at 100,000 records as at 200.
///
/// Writes append: a change stamps `updated` with the current time, so a new
/// entry belongs at the end (a short shift among ties or after a clock step
/// back). The entry a change supersedes is left in place and skipped by
/// `isLive` (is it still the record's current `updated`?); `retire` counts
/// such entries, and once they outnumber the live ones the array is compacted,
/// so a write is amortised O(log N) and memory stays within twice the records.
struct UpdatedIndex<ID: Comparable & Hashable> {
    private(set) var entries: [(updated: Int64, id: ID)] = []
    private var retired = 0

    /// Adds the entry of a record written at `updated`.
    mutating func insert(updated: Int64, id: ID) {
        var index = entries.count
        while index > 0, (entries[index - 1].updated, entries[index - 1].id) > (updated, id) { index -= 1 }
        entries.insert((updated, id), at: index)
    }

    /// Notes that one entry no longer matches its record; compacts when
    /// retired entries outnumber live ones.
    mutating func retire(isLive: (Int64, ID) -> Bool) {
        retired += 1
        if retired > 1024 && retired * 2 > entries.count {
            entries.removeAll { !isLive($0.updated, $0.id) }
            retired = 0
        }
    }

    /// The index of the first entry updated at or after `bound` (0 for nil).
    func start(at bound: Int64?) -> Int {
        guard let bound else { return 0 }
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].updated < bound { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
