import TandemSQL

/// The last answer to "does this entity match the connection's
/// `trigger.query`?" (table `scope_decisions`), kept so the tracker is asked
/// again only when the entity's fields changed.
struct ScopeDecision: Sendable, Equatable {
    var matches: Bool
    /// SHA-256 of the entity's fields the answer was given for.
    var fingerprint: String
    var decidedAt: Int64
}

extension StoreTransaction {
    func scopeDecision(connection: String, localID: String) throws -> ScopeDecision? {
        try query("SELECT matches, fingerprint, decided_at FROM scope_decisions WHERE connection = ? AND local_id = ?",
                  [.text(connection), .text(localID)]) { row in
            ScopeDecision(matches: row.int(0) != 0, fingerprint: row.text(1) ?? "", decidedAt: row.int64(2))
        }.first
    }

    func saveScopeDecision(connection: String, localID: String, _ decision: ScopeDecision) throws {
        try run("""
            INSERT OR REPLACE INTO scope_decisions (connection, local_id, matches, fingerprint, decided_at)
            VALUES (?, ?, ?, ?, ?)
            """, [.text(connection), .text(localID), .integer(decision.matches ? 1 : 0), .text(decision.fingerprint),
                  .integer(decision.decidedAt)])
    }
}
