import Foundation
import TandemJSON
import TandemSQL
import TandemTime

/// One step in the life of a linked entity on one connection (table
/// `history`), for `tandem history` and the console's timeline.
///
/// Events are appended in the same transaction as the change they record, so
/// the history never shows a step the store does not hold, nor misses one it
/// does. `tx` is the replica's id on both nodes (`<origin entity id>#<seq>`,
/// as in the logs), so the two nodes' histories line up.
public struct HistoryEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A change was noticed: `source` webhook, poll or manual.
        case noticed
        /// A replica was built and queued: `seq`, `changed` (field names).
        case built
        /// The replica equalled the last one sent: nothing queued.
        case unchanged
        /// The peer stored the replica: `seq`.
        case sent
        /// A replica from the peer was stored in the inbox: `seq`.
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
        case .noticed: return "change noticed (\(text("source") ?? "?"))"
        case .built:
            let changed = list("changed")
            return "replica\(seq) built" + (changed.isEmpty ? "" : ": \(changed) changed")
        case .unchanged: return "replica unchanged since last sent: nothing queued"
        case .sent: return "replica\(seq) delivered to the peer"
        case .received: return "replica\(seq) received from the peer"
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
    /// under its local id or under its peer's id (before the twin was known).
    func history(connection: String, entity: String?, remote: String?, limit: Int) throws -> [HistoryEvent] {
        try query("""
            SELECT id, connection, entity, remote, at, kind, tx, detail FROM history
            WHERE connection = ? AND (entity = ? OR remote = ?) ORDER BY id DESC LIMIT ?
            """, [.text(connection), .optional(entity), .optional(remote), .integer(Int64(limit))]) { row in
            HistoryEvent(id: row.int64(0), connection: row.text(1) ?? "", entity: row.optionalText(2), remote: row.optionalText(3),
                         at: row.int64(4), kind: HistoryEvent.Kind(rawValue: row.text(5) ?? "") ?? .noticed,
                         tx: row.optionalText(6), detail: try row.json(7) ?? .object([:]))
        }.reversed()
    }

    /// Deletes events older than `cutoff` and, per entity, all but the newest
    /// `keepPerEntity`; returns how many rows went.
    @discardableResult
    func pruneHistory(olderThan cutoff: Int64, keepPerEntity: Int) throws -> Int {
        let old = try run("DELETE FROM history WHERE at < ?", [.integer(cutoff)])
        let over = try run("""
            DELETE FROM history WHERE id IN (
                SELECT id FROM (SELECT id, row_number() OVER (
                    PARTITION BY connection, coalesce(entity, 'remote:' || remote) ORDER BY id DESC) AS n FROM history)
                WHERE n > ?)
            """, [.integer(Int64(keepPerEntity))])
        return old + over
    }

    /// The next pass after one that saw events up to `afterID`: events older
    /// than `cutoff` (walking from the oldest id while they are older, so it
    /// reads what it deletes, not the table; an event stamped out of order,
    /// after a clock step back, waits for the next full pass at start), and
    /// the per-entity cap only for entities with events after `afterID`,
    /// since no other entity can have gone over it.
    @discardableResult
    func pruneHistory(olderThan cutoff: Int64, keepPerEntity: Int, after afterID: Int64) throws -> Int {
        let boundary = try query("SELECT id FROM history WHERE at >= ? ORDER BY id LIMIT 1", [.integer(cutoff)]) { $0.int64(0) }.first
        let old = try run("DELETE FROM history WHERE id < ? AND at < ?", [.integer(boundary ?? Int64.max), .integer(cutoff)])
        let touched = try query("SELECT DISTINCT connection, entity, remote FROM history WHERE id > ?", [.integer(afterID)]) {
            (connection: $0.text(0) ?? "", entity: $0.optionalText(1), remote: $0.optionalText(2))
        }
        var over = 0
        var done: Set<[String]> = []
        for row in touched {
            // The same partition as the full pass: the local id, else the peer's id.
            let match: String, values: [SQLValue]
            if let entity = row.entity {
                guard done.insert([row.connection, "entity", entity]).inserted else { continue }
                (match, values) = ("connection = ? AND entity = ?", [.text(row.connection), .text(entity)])
            } else if let remote = row.remote {
                guard done.insert([row.connection, "remote", remote]).inserted else { continue }
                (match, values) = ("connection = ? AND entity IS NULL AND remote = ?", [.text(row.connection), .text(remote)])
            } else {
                continue
            }
            over += try run("""
                DELETE FROM history WHERE \(match)
                  AND id < (SELECT id FROM history WHERE \(match) ORDER BY id DESC LIMIT 1 OFFSET ?)
                """, values + values + [.integer(Int64(max(keepPerEntity, 1) - 1))])
        }
        return old + over
    }

    /// The id of the newest event (0 when there is none).
    func newestHistoryID() throws -> Int64 {
        try query("SELECT coalesce(max(id), 0) FROM history") { $0.int64(0) }.first ?? 0
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
