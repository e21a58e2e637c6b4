import TandemSQL
import TandemTime

// Small tables: poll cursors, polling de-duplication, nonces, comment twins.

extension StoreTransaction {
    // MARK: Cursors

    func cursor(connection: String) throws -> String? {
        try query("SELECT cursor FROM cursors WHERE connection = ?", [.text(connection)]) { $0.optionalText(0) }.first ?? nil
    }

    func setCursor(connection: String, cursor: String?) throws {
        try run("INSERT OR REPLACE INTO cursors (connection, cursor, updated_at) VALUES (?, ?, ?)",
                [.text(connection), .optional(cursor), .integer(Timestamp.now())])
    }

    // MARK: Polling de-duplication

    /// Records that `localID` was seen at version `updated`; false when that
    /// version was already seen (an overlap repeat).
    func markSeen(connection: String, localID: String, updated: String) throws -> Bool {
        let known = try query("SELECT updated FROM seen WHERE connection = ? AND local_id = ?",
                              [.text(connection), .text(localID)]) { $0.text(0) }.first ?? nil
        if known == updated { return false }
        try run("INSERT OR REPLACE INTO seen (connection, local_id, updated) VALUES (?, ?, ?)",
                [.text(connection), .text(localID), .text(updated)])
        return true
    }

    // MARK: Nonces

    /// Records a request nonce; false when it was used before (a replay).
    func useNonce(_ nonce: String, now: Int64 = Timestamp.now()) throws -> Bool {
        try run("INSERT OR IGNORE INTO nonces (nonce, seen_at) VALUES (?, ?)", [.text(nonce), .integer(now)]) > 0
    }

    /// Whether `nonce` was used within the window (read-only; `useNonce` records).
    func isNonceUsed(_ nonce: String) throws -> Bool {
        try query("SELECT 1 FROM nonces WHERE nonce = ?", [.text(nonce)]) { _ in true }.first ?? false
    }

    /// Forgets nonces older than the signature window: a request that old is refused by its timestamp anyway.
    func pruneNonces(olderThan cutoff: Int64) throws {
        try run("DELETE FROM nonces WHERE seen_at < ?", [.integer(cutoff)])
    }

    // MARK: Comment twins

    /// The local comment ids already created for remote comments of an entity.
    func commentTwins(connection: String, localEntity: String) throws -> [String: String] {
        let pairs = try query("SELECT remote_comment, local_comment FROM comment_twins WHERE connection = ? AND local_entity = ?",
                              [.text(connection), .text(localEntity)]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    func addCommentTwin(connection: String, localEntity: String, localComment: String, remoteComment: String) throws {
        try run("INSERT OR IGNORE INTO comment_twins (connection, local_entity, local_comment, remote_comment) VALUES (?, ?, ?, ?)",
                [.text(connection), .text(localEntity), .text(localComment), .text(remoteComment)])
    }
}
