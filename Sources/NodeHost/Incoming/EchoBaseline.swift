import TandemJSON

/// Decides whether the entity read right after an apply may become the echo
/// baseline (docs/architecture.md, One replica's path).
///
/// The baseline says "the peer already has this". That holds only if every
/// difference between the entity before and after the apply, among the
/// members the outgoing script reads, was written by the apply itself. A
/// comment neither there before nor added by us, or a read field that changed
/// without being written, is someone else's concurrent change: adopting the
/// baseline then would swallow it. Derived fields the script does not read
/// (`updated`, counters) do not matter.
enum EchoBaseline {
    /// A description of the first foreign change found, or nil when none.
    /// A written field whose value in `after` is not what was written counts
    /// as foreign too: someone wrote it after us.
    static func foreignChange(before: JSON, after: JSON, written: JSON, addedComments: Set<String>,
                              addedAttachments: Set<String> = [], reads: Set<String>) -> String? {
        if reads.contains("comments"), let id = newChild("comments", before, after, ours: addedComments) {
            return "comment \(id)"
        }
        if reads.contains("attachments"), let id = newChild("attachments", before, after, ours: addedAttachments) {
            return "attachment \(id)"
        }
        let writtenFields = Set(written["fields"]?.objectValue?.keys.map { $0 } ?? [])
        let beforeFields = before["fields"]?.objectValue ?? [:]
        let afterFields = after["fields"]?.objectValue ?? [:]
        let readsAllFields = reads.contains("fields")
        let writtenValues = written["fields"]?.objectValue ?? [:]
        for name in Set(beforeFields.keys).union(afterFields.keys) where readsAllFields || reads.contains(name) {
            if let value = writtenValues[name] {
                // Someone wrote the same field after us: the tracker holds their value.
                if !ConflictResolver.looselyEqual(value, afterFields[name] ?? .null) { return "field \(name)" }
                continue
            }
            if beforeFields[name] ?? .null != afterFields[name] ?? .null { return "field \(name)" }
        }
        return nil
    }

    /// The replica the peer holds us to have after an apply whose result
    /// cannot become the baseline because the entity held changes not yet
    /// sent: `lastSent`, with every member the apply changed (between the
    /// replicas of the entity `before` and `after` it) taken from `after`.
    /// The peer caused those values, so its scripts must compare our next
    /// replica with them (`previous`); the unsent members keep the value last
    /// sent, so they still show as changes. The hash of what was last sent
    /// stays as it was: the unsent changes must still go out.
    static func peerKnown(lastSent: JSON, before: JSON, after: JSON) -> JSON {
        var known = lastSent.objectValue ?? [:]
        let old = before.objectValue ?? [:], new = after.objectValue ?? [:]
        for name in Set(old.keys).union(new.keys) where old[name] != new[name] {
            // A list the apply merged into (comments) that also holds unsent
            // elements of ours: the peer knows only part of it.
            if old[name]?.arrayValue != nil, old[name] != known[name] { continue }
            known[name] = new[name]
        }
        return .object(known)
    }

    /// The id of the first `member` element (comment, attachment) in `after`
    /// that was neither in `before` nor added by us.
    private static func newChild(_ member: String, _ before: JSON, _ after: JSON, ours: Set<String>) -> String? {
        let known = Set((before[member]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        for child in after[member]?.arrayValue ?? [] {
            guard let id = child["id"]?.stringValue else { continue }
            if !known.contains(id) && !ours.contains(id) { return id }
        }
        return nil
    }
}
