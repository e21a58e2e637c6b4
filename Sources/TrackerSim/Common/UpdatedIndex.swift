/// Records ordered by `(updated, id)`, for searches ordered by update time
/// that start at a lower bound: a binary search finds the bound, and a page
/// costs the same at 100,000 records as at 200.
///
/// Entries are kept in sorted chunks of at most `chunkLimit`: an insert or a
/// remove binary-searches the chunk list, then the chunk, and moves at most
/// one chunk's entries, so a write is O(log N + chunkLimit) wherever its entry
/// falls. Invariant: the index holds exactly one entry per record, the one of
/// its current `updated`; a change removes the old entry before inserting the
/// new one, so a search never meets a superseded entry.
struct UpdatedIndex<ID: Comparable & Hashable> {
    struct Entry {
        var updated: Int64
        var id: ID

        static func < (a: Entry, b: Entry) -> Bool { a.updated != b.updated ? a.updated < b.updated : a.id < b.id }
    }

    static var chunkLimit: Int { 512 }
    /// Sorted, non-empty chunks; every entry of a chunk sorts before every entry of the next.
    private var chunks: [[Entry]] = []
    private(set) var count = 0

    /// Adds the entry of a record written at `updated`.
    mutating func insert(updated: Int64, id: ID) {
        let entry = Entry(updated: updated, id: id)
        guard !chunks.isEmpty else {
            chunks = [[entry]]
            count = 1
            return
        }
        let chunk = chunkIndex(for: entry)
        chunks[chunk].insert(entry, at: Self.position(of: entry, in: chunks[chunk]))
        count += 1
        if chunks[chunk].count > Self.chunkLimit {
            let half = chunks[chunk].count / 2
            chunks.insert(Array(chunks[chunk][half...]), at: chunk + 1)
            chunks[chunk].removeSubrange(half...)
        }
    }

    /// Removes the entry `(updated, id)`; nothing when there is none.
    mutating func remove(updated: Int64, id: ID) {
        let entry = Entry(updated: updated, id: id)
        guard !chunks.isEmpty else { return }
        let chunk = chunkIndex(for: entry)
        let position = Self.position(of: entry, in: chunks[chunk])
        guard position < chunks[chunk].count, chunks[chunk][position].updated == updated, chunks[chunk][position].id == id else { return }
        chunks[chunk].remove(at: position)
        count -= 1
        if chunks[chunk].isEmpty { chunks.remove(at: chunk) }
    }

    /// The entries updated at or after `bound` (all for nil), in order.
    func entries(from bound: Int64? = nil) -> Entries {
        guard let bound, !chunks.isEmpty else { return Entries(chunks: chunks, chunk: 0, offset: 0) }
        // The first chunk whose last entry is at or after the bound holds the start.
        var low = 0, high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle][chunks[middle].count - 1].updated < bound { low = middle + 1 } else { high = middle }
        }
        guard low < chunks.count else { return Entries(chunks: chunks, chunk: low, offset: 0) }
        var offset = 0, end = chunks[low].count
        while offset < end {
            let middle = (offset + end) / 2
            if chunks[low][middle].updated < bound { offset = middle + 1 } else { end = middle }
        }
        return Entries(chunks: chunks, chunk: low, offset: offset)
    }

    /// The chunk an entry belongs in: the first whose last entry is not
    /// before it, else the last.
    private func chunkIndex(for entry: Entry) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle][chunks[middle].count - 1] < entry { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first position in `chunk` whose entry is not before `entry`.
    private static func position(of entry: Entry, in chunk: [Entry]) -> Int {
        var low = 0, high = chunk.count
        while low < high {
            let middle = (low + high) / 2
            if chunk[middle] < entry { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A walk over the entries from a position on. It shares the index's
    /// storage: valid while the index is not changed (callers hold the lock).
    struct Entries: Sequence, IteratorProtocol {
        fileprivate let chunks: [[Entry]]
        fileprivate var chunk: Int
        fileprivate var offset: Int

        mutating func next() -> Entry? {
            while chunk < chunks.count {
                if offset < chunks[chunk].count {
                    defer { offset += 1 }
                    return chunks[chunk][offset]
                }
                chunk += 1
                offset = 0
            }
            return nil
        }
    }
}
