/// Runs one `search` call: from a `SearchCursor`, up to `limit` refs in the
/// tracker's `(updated, tie-breaker)` order, and the cursor after the last.
///
/// The tracker only has to answer "matches updated at or after `bound`, in
/// that order, from index `startAt`". Its query language may state the bound
/// coarsely (Jira: the minute in the user's zone), so each call asks from the
/// floor of the position and skips what it handed over before:
///   - results before the position's instant are skipped, and so are its ties
///     up to the position itself;
///   - if the position is gone (its entity changed since), ties of its instant
///     cannot be told seen from unseen and are handed over again (the host
///     drops repeats by id and `updated`).
/// Every call either hands over at least one ref past the position or reaches
/// the end, so paging can never stall on a page of ties.
///
/// Seeking: the cursor's `skip` says where the position stood in its window.
/// Entries before it only ever leave the window (a change moves an entity to
/// the end), so the hint can overshoot but never undershoot: the pager steps
/// back a page at a time until the page starts at or before the position.
public struct SearchPager {
    public struct PageRequest: Equatable, Sendable {
        /// Matches updated at or after this instant; nil = every match.
        public var bound: Int64?
        public var startAt: Int
        public var count: Int
    }

    public struct Page: Sendable {
        public var refs: [SearchRef]
        /// No result follows this page.
        public var isLast: Bool

        public init(refs: [SearchRef], isLast: Bool) {
            self.refs = refs
            self.isLast = isLast
        }
    }

    public struct Result: Sendable {
        public var refs: [SearchRef]
        public var cursor: SearchCursor?
        /// More results follow: call again with `cursor` (false = caught up).
        public var more: Bool

        /// `{"refs", "cursor", "more"}`, the `search` operation's output.
        public var json: JSON {
            ["refs": .array(refs.map(\.json)), "cursor": cursor.map { .string($0.text) } ?? .null, "more": .bool(more)]
        }
    }

    /// The largest page the tracker serves.
    public var pageSize: Int
    /// False for trackers that page by token only: each call then reads its
    /// window from the start.
    public var canSeek: Bool
    /// The instant at or before `millis` that the tracker's query can state.
    public var floor: (Int64) throws(ConnectorError) -> Int64
    public var fetch: (PageRequest) throws(ConnectorError) -> Page

    public init(pageSize: Int, canSeek: Bool = true,
                floor: @escaping (Int64) throws(ConnectorError) -> Int64,
                fetch: @escaping (PageRequest) throws(ConnectorError) -> Page) {
        self.pageSize = max(1, pageSize)
        self.canSeek = canSeek
        self.floor = floor
        self.fetch = fetch
    }

    public func run(cursor: SearchCursor?, overlapMs: Int64, limit: Int) throws(ConnectorError) -> Result {
        let limit = max(1, limit)
        var bound: Int64?
        var position: (updated: Int64, id: String)?
        var startAt = 0
        if let cursor {
            if cursor.caughtUp || cursor.id.isEmpty {
                bound = try floor(cursor.updated - max(0, overlapMs))
            } else {
                bound = try floor(cursor.updated)
                position = (cursor.updated, cursor.id)
                if canSeek { startAt = max(0, cursor.skip - 1) }
            }
        }
        let size = min(pageSize, limit + 1)
        var page = try fetch(PageRequest(bound: bound, startAt: startAt, count: size))
        if let position {
            while startAt > 0 {
                if let first = page.refs.first,
                   first.updated < position.updated || (first.updated == position.updated && first.id == position.id) { break }
                startAt = max(0, startAt - size)
                page = try fetch(PageRequest(bound: bound, startAt: startAt, count: size))
            }
        }

        var taken: [(ref: SearchRef, index: Int)] = []
        var held: [(ref: SearchRef, index: Int)] = []
        var readUpdated: [Int64] = []   // every result read, from index `startAt`
        var passed = position == nil
        var index = startAt
        var reachedEnd = false
        func take(_ entry: (ref: SearchRef, index: Int)) -> Bool {
            taken.append(entry)
            return taken.count >= limit
        }
        scan: while true {
            for ref in page.refs {
                let here = index
                index += 1
                readUpdated.append(ref.updated)
                if !passed, let position {
                    if ref.updated < position.updated { continue }
                    if ref.updated == position.updated {
                        if ref.id == position.id { passed = true; held = [] } else { held.append((ref, here)) }
                        continue
                    }
                    passed = true
                    let ties = held
                    held = []
                    for tie in ties where take(tie) { break scan }
                }
                if take((ref, here)) { break scan }
            }
            if page.isLast || page.refs.isEmpty {
                reachedEnd = true
                break
            }
            page = try fetch(PageRequest(bound: bound, startAt: index, count: size))
        }
        if reachedEnd {
            for (offset, tie) in held.enumerated() where take(tie) {
                reachedEnd = offset == held.count - 1
                break
            }
        }

        var next = cursor
        if let last = taken.last {
            let lastFloor = try floor(last.ref.updated)
            var skip = last.index + 1
            if lastFloor != bound {
                // The position's window starts after this call's bound, so every
                // result in it was read by this call.
                skip = readUpdated[0...(last.index - startAt)].reduce(0) { $0 + ($1 >= lastFloor ? 1 : 0) }
            }
            next = SearchCursor(updated: last.ref.updated, id: last.ref.id, skip: skip, caughtUp: reachedEnd)
        } else if var unchanged = next {
            unchanged.caughtUp = true
            next = unchanged
        }
        return Result(refs: taken.map(\.ref), cursor: next, more: !reachedEnd)
    }
}
