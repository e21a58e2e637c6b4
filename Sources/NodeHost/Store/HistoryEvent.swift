import Foundation
import TandemJSON
import TandemSQL
import TandemTime

/// One step in the life of a linked entity on one connection (table
/// `history`), for `tandem history` and the console's timeline.
///
/// Events are appended in the same transaction as the change they record, so
/// the history never shows a step the store does not hold, nor misses one it
/// does. `tx` names one message exchange on both nodes, as in the logs, so
/// the two nodes' histories line up: `<origin entity id>#<seq>` for a replica
/// and its ack, `<asking entity id>#link<seq>` for a link or unlink and its
/// answer (`MessageKind.transactionID`).
public struct HistoryEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A change was noticed: `source` webhook, poll or manual; notices in a
        /// row are one event with their `count` and `lastAt`.
        case noticed
        /// A replica was built and queued: `seq`, `changed` (field names).
        case built
        /// The replica equalled the last one sent: nothing queued.
        case unchanged
        /// The peer stored the replica (`seq`), or another message (`message`:
        /// ack, link, unlink, link-ack; `outcome` for answers).
        case sent
        /// A replica (`seq`) or link message (`message`: link, unlink) from the peer was stored in the inbox.
        case received
        /// Written to the tracker: `fields` (names), `comments`, `attachments`, `created`.
        case applied
        /// A replica of ours that only repeats the peer's own write: not sent.
        case echo
        /// A field changed on both sides: `field`, `local`, `remote`, `policy`, `winner`.
        case conflict
        /// Stopped for an operator: `stage`, `reason`, `error` (its id).
        case parked
        /// An operator retried or resolved a parked error: `error`.
        case retried, resolved
        /// The peer's answer to one of our replicas: `seq`, `outcome`, `reason`.
        case acked
        /// An operator asked to link this entity with the peer's `remoteKey`
        /// (`tandem connect`, or `tandem sync` re-linking it): `seq`.
        case linkRequested = "link-requested"
        /// The twin now pairs this entity with the peer's `remoteKey`/`remoteID`;
        /// `via`: request (we accepted the peer's link request; the asker
        /// records `linkAcked`), created (the peer's first replica created it
        /// here), or replica (the peer's ack of our first replica named its entity).
        case linked
        /// A link request refused, by this node or by the peer: `reason`.
        case linkRefused = "link-refused"
        /// The peer's answer to our link or unlink request: `outcome` (linked,
        /// refused, unlinked), `reason`.
        case linkAcked = "link-acked"
        /// Nothing of the entity is sent any more: `by` here (`tandem unsync`) or the peer.
        case unlinked
        /// A transient failure deferred the work, or other work on the entity
        /// it waits for (`waiting`): `stage`, `reason`, `attempt`, `next` (the
        /// next attempt's time), `count`. A run of retries of one stage stays
        /// one event whose `count`, `attempt` and `next` grow.
        case retrying
    }

    public var id: Int64
    public var connection: String
    /// The local entity id, once known.
    public var entity: String?
    /// The peer's entity id, once known.
    public var remote: String?
    /// Milliseconds since the epoch.
    public var at: Int64
    public var kind: Kind
    public var tx: String?
    public var detail: JSON

    public var json: JSON {
        [
            "id": .int(id), "at": .string(Timestamp.iso(at)), "atMs": .int(at),
            "kind": .string(kind.rawValue), "tx": tx.map(JSON.string) ?? .null,
            "entity": entity.map(JSON.string) ?? .null, "remote": remote.map(JSON.string) ?? .null, "detail": detail,
            "summary": .string(summary),
        ]
    }

    /// One line for people, the same in `tandem history` and the console.
    public var summary: String {
        func text(_ key: String) -> String? { detail[key].map { $0.stringValue ?? $0.text } }
        func list(_ key: String) -> String { (detail[key]?.arrayValue ?? []).map { $0.stringValue ?? $0.text }.joined(separator: ", ") }
        let seq = text("seq").map { " \($0)" } ?? ""
        switch kind {
        case .noticed:
            let count = detail["count"]?.intValue ?? 1
            return "change noticed (\(text("source") ?? "?"))" + (count > 1 ? ", \(count) times, the last at \(text("lastAt") ?? "?")" : "")
        case .built:
            let changed = list("changed")
            return "replica\(seq) built" + (changed.isEmpty ? "" : ": \(changed) changed")
        case .unchanged: return "replica unchanged since last sent: nothing queued"
        case .sent:
            if text("message") == "ack" {
                return "ack of replica\(seq) delivered to the peer" + (text("outcome") == "failed" ? " (failed)" : "")
            }
            if let message = text("message") { return "\(message) message delivered to the peer" }
            return "replica\(seq) delivered to the peer"
        case .received:
            if let message = text("message") { return "\(message) message received from the peer" + (text("remoteKey").map { " for \($0)" } ?? "") }
            return "replica\(seq) received from the peer"
        case .applied:
            var parts: [String] = []
            if detail["created"]?.boolValue == true { parts.append("created") }
            let fields = list("fields")
            if !fields.isEmpty { parts.append("fields \(fields)") }
            if let comments = detail["comments"]?.intValue, comments > 0 { parts.append("\(comments) comment(s) added") }
            if let attachments = detail["attachments"]?.intValue, attachments > 0 { parts.append("\(attachments) attachment(s) added") }
            return "replica\(seq) applied" + (parts.isEmpty ? " (nothing to write)" : ": " + parts.joined(separator: "; "))
        case .echo: return "skipped as the echo of our own write"
        case .conflict:
            return "conflict on '\(text("field") ?? "?")': local \(text("local") ?? "?"), remote \(text("remote") ?? "?"); \(text("policy") ?? "?") → \(text("winner") ?? "?") kept"
        case .parked: return "parked (\(text("stage") ?? "?")): \(text("reason") ?? "")"
        case .retried: return "operator retried error #\(text("error") ?? "?")"
        case .resolved: return "operator resolved error #\(text("error") ?? "?") (failed change skipped)"
        case .acked:
            let outcome = text("outcome") ?? "applied"
            return "peer \(outcome) replica\(seq)" + (text("reason").map { ": \($0)" } ?? "")
        case .linkRequested: return "link with the peer's \(text("remoteKey") ?? "?") requested"
        case .linked:
            let peer = text("remoteKey") ?? text("remoteID") ?? "?"
            switch text("via") {
            case "request": return "twinned with the peer's \(peer) at the peer's request"
            case "created": return "created here for the peer's \(peer): twins from now on"
            default: return "twinned with the peer's \(peer), the peer's entity for our first replica"
            }
        case .linkRefused: return "link refused: \(text("reason") ?? "no reason given")"
        case .linkAcked:
            return "peer answered the \(text("action") ?? "link") request: \(text("outcome") ?? "?")" + (text("reason").map { " (\($0))" } ?? "")
        case .unlinked: return text("by") == "peer" ? "unsynced at the peer's request" : "unsynced here; the peer is told"
        case .retrying:
            let count = detail["count"]?.intValue ?? 1
            let what = detail["waiting"]?.boolValue == true ? "deferred" : "retrying"
            let why = detail["waiting"]?.boolValue == true ? "" : " after a transient error"
            return "\(what) (\(text("stage") ?? "?"))\(why): \(text("reason") ?? "")"
                + (count > 1 ? " (\(count) times)" : "") + (text("next").map { "; next attempt \($0)" } ?? "")
        }
    }
}

extension StoreTransaction {
    /// Appends an event to the entity's history, inside the caller's
    /// transaction; does nothing when history is switched off.
    /// At least one of `entity` (local id) and `remote` (peer's id) is given.
    func recordHistory(_ kind: HistoryEvent.Kind, connection: String, entity: String? = nil, remote: String? = nil,
                       tx: String? = nil, _ detail: [String: JSON] = [:], now: Int64 = Timestamp.now()) throws {
        guard recordsHistory, entity != nil || remote != nil else { return }
        try run("INSERT INTO history (connection, entity, remote, at, kind, tx, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(connection), .optional(entity), .optional(remote), .integer(now), .text(kind.rawValue), .optional(tx),
                 detail.isEmpty ? .null : .blob(JSON.object(detail).serialized())])
    }

    /// The newest `limit` events of one entity, oldest first: those recorded
    /// under its local id, under its peer's id (before the twin was known),
    /// or under a peer id it was twinned with before (an unsync clears the
    /// twin's peer id; the events that named both ids still tell which).
    func history(connection: String, entity: String?, remote: String?, limit: Int) throws -> [HistoryEvent] {
        // A union of index searches: an OR over two columns would walk all of
        // the connection's events.
        try query("""
            SELECT id, connection, entity, remote, at, kind, tx, detail FROM history WHERE id IN (
                SELECT id FROM history WHERE connection = ? AND entity = ?
                UNION ALL SELECT id FROM history WHERE connection = ? AND remote = ?
                UNION ALL SELECT id FROM history WHERE connection = ? AND entity IS NULL AND remote IN (
                    SELECT remote FROM history WHERE connection = ? AND entity = ?))
            ORDER BY id DESC LIMIT ?
            """, [.text(connection), .optional(entity), .text(connection), .optional(remote), .text(connection),
                  .text(connection), .optional(entity), .integer(Int64(limit))]) { row in
            HistoryEvent(id: row.int64(0), connection: row.text(1) ?? "", entity: row.optionalText(2), remote: row.optionalText(3),
                         at: row.int64(4), kind: HistoryEvent.Kind(rawValue: row.text(5) ?? "") ?? .noticed,
                         tx: row.optionalText(6), detail: try row.json(7) ?? .object([:]))
        }.reversed()
    }

    /// One pass of retention: deletes events older than `cutoff`, and of
    /// each entity with events in the window after id `since`, all but its
    /// newest `keepPerEntity`. Returns the rows deleted, the newest id the
    /// window reached (the next pass's `since`), and whether more is left
    /// for another pass at once: newer events, or a full batch of old ones.
    ///
    /// Each part reads only what it deletes, plus a little: events are
    /// appended with their time, so the old ones are the lowest ids (a
    /// clock set back leaves a few to a later pass, or to the count), and
    /// only entities that got events since the last pass can be over the
    /// count. A pass deletes at most `batch` old events and looks at most at
    /// `window` new ones, so a lowered `maxAgeDays` or a bulk import of
    /// 100,000 entities is caught up over several short transactions rather
    /// than one that holds the store (and every entity's id in memory) for
    /// seconds.
    func pruneHistory(olderThan cutoff: Int64, keepPerEntity: Int, since: Int64 = 0,
                      batch: Int = 5_000, window: Int = 10_000) throws -> (deleted: Int, newest: Int64, more: Bool) {
        var deleted = 0
        var oldLeft = false
        // The oldest event first: most passes find it young and read no more.
        if let first = try query("SELECT at FROM history ORDER BY id LIMIT 1") { $0.int64(0) }.first, first < cutoff {
            let oldest = try query("SELECT id, at FROM history ORDER BY id LIMIT ?", [.integer(Int64(batch))]) { ($0.int64(0), $0.int64(1)) }
            let young = oldest.firstIndex(where: { $0.1 >= cutoff }) ?? oldest.count
            if young > 0 {
                deleted += try run("DELETE FROM history WHERE id <= ? AND at < ?", [.integer(oldest[young - 1].0), .integer(cutoff)])
            }
            oldLeft = young == batch
        }
        let last = try query("SELECT coalesce(max(id), 0) FROM history") { $0.int64(0) }.first ?? 0
        // A full window leaves newer events; one that is not reaches `last`
        // (events appended meanwhile wait for the next interval).
        let windowEnd = try query("SELECT id FROM history WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?",
                                  [.integer(since), .integer(Int64(max(0, window - 1)))]) { $0.int64(0) }.first
        let newest = windowEnd ?? last
        let touched = try query("SELECT DISTINCT connection, entity, remote FROM history WHERE id > ? AND id <= ?",
                                [.integer(since), .integer(newest)]) { ($0.text(0) ?? "", $0.optionalText(1), $0.optionalText(2)) }
        var seen = Set<String>()
        for (connection, entity, remote) in touched {
            // Events with a local id count under it; those without, under the peer's id.
            let (clause, key): (String, String) = entity.map { ("entity = ?", $0) } ?? ("entity IS NULL AND remote = ?", remote ?? "")
            guard seen.insert(connection + "\u{0}" + clause + key).inserted else { continue }
            deleted += try run("""
                DELETE FROM history WHERE connection = ? AND \(clause) AND id < (
                    SELECT id FROM history WHERE connection = ? AND \(clause) ORDER BY id DESC LIMIT 1 OFFSET ?)
                """, [.text(connection), .text(key), .text(connection), .text(key), .integer(Int64(max(0, keepPerEntity - 1)))])
        }
        return (deleted, newest, (windowEnd != nil && newest < last) || oldLeft)
    }

    func historyCount() throws -> Int {
        try query("SELECT count(*) FROM history") { $0.int(0) }.first ?? 0
    }

    /// The twin (local id, peer id) whose local or peer key or id is `key`.
    func twinIdentity(connection: String, key: String) throws -> (local: String, remote: String?)? {
        try query("""
            SELECT local_id, remote_id FROM twins WHERE connection = ?
              AND (local_key = ? OR local_id = ? OR remote_key = ? OR remote_id = ?) LIMIT 1
            """, [.text(connection), .text(key), .text(key), .text(key), .text(key)]) { ($0.text(0) ?? "", $0.optionalText(1)) }.first
    }
}
