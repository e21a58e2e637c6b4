/// Where a `search` sweep stands, as the opaque `cursor` string the host stores.
///
/// A sweep reads every match in the tracker's `(updated, tie-breaker)` order.
/// `updated` and `id` are the last ref handed to the host; `skip` is how many
/// results of the query bounded at the floor of `updated` come up to and
/// including it, so the next call can start its page there instead of at the
/// start of the window. When `caughtUp`, the sweep reached the end: the next
/// call starts a new sweep at `updated − overlap`, re-reading only that window.
///
/// Text form: `2:<updated ms>:<skip>:<c|m>:<id>` (id last: it may hold any
/// character). A bare timestamp (the form before positions) reads as a
/// caught-up sweep at that instant.
public struct SearchCursor: Equatable, Sendable {
    public var updated: Int64
    /// Empty when the position is an instant only (a legacy cursor).
    public var id: String
    public var skip: Int
    public var caughtUp: Bool

    public init(updated: Int64, id: String, skip: Int, caughtUp: Bool) {
        self.updated = updated
        self.id = id
        self.skip = skip
        self.caughtUp = caughtUp
    }

    public var text: String { "2:\(updated):\(skip):\(caughtUp ? "c" : "m"):\(id)" }

    /// Nil when `text` is neither form.
    public init?(text: String) {
        if text.hasPrefix("2:") {
            let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, let updated = Int64(parts[1]), let skip = Int(parts[2]), skip >= 0,
                  parts[3] == "c" || parts[3] == "m" else { return nil }
            self.init(updated: updated, id: String(parts[4]), skip: skip, caughtUp: parts[3] == "c")
        } else if let millis = Timestamp.parse(text) {
            self.init(updated: millis, id: "", skip: 0, caughtUp: true)
        } else {
            return nil
        }
    }
}

/// One match as `search` reports it.
public struct SearchRef: Equatable, Sendable {
    public var id: String
    public var key: String?
    /// Milliseconds since the epoch, at the tracker's resolution.
    public var updated: Int64

    public init(id: String, key: String?, updated: Int64) {
        self.id = id
        self.key = key
        self.updated = updated
    }

    public var json: JSON {
        ["id": .string(id), "key": key.map(JSON.string) ?? .null, "updated": .string(Timestamp.iso(updated))]
    }
}
