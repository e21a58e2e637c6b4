import TandemJSON
import TandemSQL
import TandemTime

/// A noticed change of a local entity that the outgoing stage has yet to
/// turn into a replica (table `pending`).
///
/// `version` grows with every notice, so a worker that finishes an older
/// version does not delete a notice that arrived while it worked.
struct PendingChange: Sendable, Equatable {
    var connection: String
    var localID: String
    var localKey: String?
    var source: String
    var version: Int64
    var noticedAt: Int64
    var attempts: Int
    /// The entity as the notice carried it (a webhook's payload), if every
    /// notice merged into this one carried it; nil: read it from the tracker.
    /// Kept as stored: the scheduler reads many notices to pick one, and only
    /// the worker that takes it parses it (`carriedEntity()`).
    var entityJSON: [UInt8]? = nil

    /// `entityJSON` parsed; a stored value that does not parse is damage (SQLITE_CORRUPT).
    func carriedEntity() throws(SQLError) -> JSON? {
        try entityJSON.map { bytes throws(SQLError) in try JSON(stored: bytes, column: "pending.entity") }
    }
}

extension StoreTransaction {
    /// Records that `localID` changed. Repeated notices collapse into one row.
    ///
    /// `entity` is the entity the notice carried, with its `updated` time. A
    /// merged row keeps the newest carried entity, and none as soon as one
    /// notice came without it (then only a fresh read is trustworthy).
    func notePending(connection: String, localID: String, localKey: String?, source: String, entity: JSON? = nil,
                     now: Int64 = Timestamp.now()) throws {
        let updated = entity?["updated"]?.stringValue
        let carried = updated == nil ? nil : entity
        try run("""
            INSERT INTO pending (connection, local_id, local_key, source, version, noticed_at, entity, entity_updated)
            VALUES (?, ?, ?, ?, 1, ?, ?, ?)
            ON CONFLICT (connection, local_id) DO UPDATE SET version = version + 1,
                local_key = coalesce(excluded.local_key, local_key), source = excluded.source,
                entity = CASE WHEN excluded.entity IS NULL OR entity IS NULL THEN NULL
                              WHEN excluded.entity_updated >= entity_updated THEN excluded.entity ELSE entity END,
                entity_updated = CASE WHEN excluded.entity IS NULL OR entity IS NULL THEN NULL
                              WHEN excluded.entity_updated >= entity_updated THEN excluded.entity_updated ELSE entity_updated END
            """, [.text(connection), .text(localID), .optional(localKey), .text(source), .integer(now),
                  .json(carried), .optional(carried == nil ? nil : updated)])
        try recordNoticed(connection: connection, entity: localID, source: source, now: now)
    }

    /// Runnable notices, oldest first, skipping lanes that are parked.
    func runnablePending(connection: String, now: Int64, limit: Int) throws -> [PendingChange] {
        try query("""
            SELECT connection, local_id, local_key, source, version, noticed_at, attempts, entity FROM pending p
            WHERE connection = ? AND not_before <= ?
              AND NOT EXISTS (SELECT 1 FROM parked WHERE parked.connection = p.connection
                              AND parked.lane = 'out:' || p.local_id AND parked.state = 'open')
            ORDER BY noticed_at LIMIT ?
            """, [.text(connection), .integer(now), .integer(Int64(limit))]) { row in
            PendingChange(connection: row.text(0) ?? "", localID: row.text(1) ?? "", localKey: row.optionalText(2),
                          source: row.text(3) ?? "", version: row.int64(4), noticedAt: row.int64(5), attempts: row.int(6),
                          entityJSON: row.isNull(7) ? nil : row.blob(7))
        }
    }

    /// Removes the notice if no newer one arrived meanwhile.
    @discardableResult
    func completePending(_ change: PendingChange) throws -> Bool {
        try run("DELETE FROM pending WHERE connection = ? AND local_id = ? AND version = ?",
                [.text(change.connection), .text(change.localID), .integer(change.version)]) > 0
    }

    /// Puts the notice back for a later attempt.
    func deferPending(_ change: PendingChange, until notBefore: Int64) throws {
        try run("UPDATE pending SET not_before = ?, attempts = attempts + 1 WHERE connection = ? AND local_id = ?",
                [.integer(notBefore), .text(change.connection), .text(change.localID)])
    }

    func pendingCount(connection: String) throws -> Int {
        try rowCount(connection: connection, "pending")
    }

    /// The earliest notice time still pending, for the oldest-pending age.
    func oldestPending(connection: String) throws -> Int64? {
        try oldestTime("noticed_at", of: "pending", connection: connection, order: "noticed_at")
    }
}
