import TandemJSON

/// Which fields were edited here after the peer last saw them, where
/// comparing values with the base cannot tell (docs/conflicts.md).
///
/// A field a person set back to its base value (A→B→A) equals the base,
/// yet it was edited: a peer replica built before the peer saw the edit
/// would otherwise be applied over it. So each look at the local entity
/// (the outgoing stage building a replica, an apply reading the entity
/// before it writes) marks the fields whose value moved since the last
/// look: from what our newest replica carried or, where an apply agreed on
/// a value after it, from that value, which is our own write. The mark is
/// the seq of the replica that carries (or will carry) the new value; the
/// peer has seen the edit once it has applied that seq.
///
/// Invariant: an apply that agrees on a field clears its mark: both hold
/// the agreed value from then on, and later edits are marked afresh.
enum LocalEdits {
    /// The fields of `fields` that moved since our newest replica, marked
    /// with the seq of the next one. `newest`: the fields our newest replica
    /// was built from (`replica_fields`), nil before the first.
    /// - Parameter skipping: fields an interrupted apply of ours wrote; they
    ///   are our own write, agreed once the apply is retried.
    static func observe(_ fields: JSON?, newest: JSON?, twin: Twin, skipping: Set<String> = []) -> [String: Int64] {
        guard let current = fields?.objectValue, let reference = newest?.objectValue ?? twin.base?.objectValue else { return [:] }
        let latest = twin.nextSeq - 1
        let agreed = twin.base?.objectValue ?? [:]
        var marks: [String: Int64] = [:]
        for name in Set(current.keys).union(reference.keys) where !skipping.contains(name) {
            let before: JSON
            if let mark = twin.baseMarks[name], mark.ours >= latest, let value = agreed[name] {
                before = value  // an apply since our newest replica wrote or found this
            } else {
                before = reference[name] ?? .null
            }
            if !ConflictResolver.looselyEqual(current[name] ?? .null, before) { marks[name] = twin.nextSeq }
        }
        return marks
    }

    /// `marks` added to `existing`, keeping the later of two.
    static func merged(_ existing: [String: Int64], _ marks: [String: Int64]) -> [String: Int64] {
        existing.merging(marks) { max($0, $1) }
    }

    /// The fields edited here since our replica `appliedSeq`, which the peer
    /// had applied when it built the replica being judged, and whose value
    /// in our newest replica differs from the one in `appliedSeq`.
    ///
    /// The second condition keeps both nodes' judgements alike: the peer
    /// sees our edits only as the replicas we send, and when it applies
    /// several queued ones as one it sees only the newest. An edit that
    /// ends at the value it saw (B sent, then A again) is then no change to
    /// it, so it is none here either: had it counted as an edit here, and
    /// lost the conflict on the peer only, the two sides would stay apart.
    /// - Parameters:
    ///   - sent: our fields as of `appliedSeq` (or the base without them).
    ///   - newest: our fields as of our newest replica.
    static func edited(_ marks: [String: Int64], since appliedSeq: Int64, sent: JSON?, newest: JSON?) -> Set<String> {
        Set(marks.filter { name, mark in
            mark > appliedSeq && !ConflictResolver.looselyEqual(newest?[name] ?? .null, sent?[name] ?? .null)
        }.keys)
    }
}
