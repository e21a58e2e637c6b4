import TandemJSON
import TandemSQL

/// The local fields behind each replica in flight (table `sent_fields`).
///
/// The conflict base of a twin is "the values both sides last agreed on".
/// A replica the peer applied is such an agreement, so its ack moves the base
/// to the fields the replica was built from. Without this, the peer's next
/// replica (a comment there, say) carries back a value we sent, the base
/// still predates it, and a newer local edit looks like a conflict that the
/// stale value wins: a lost update.
///
/// Invariant: rows exist only for replicas queued since the twin's last
/// apply; an apply sets the base from a fresher read and drops them, so an
/// older ack never moves the base backwards.
extension StoreTransaction {
    /// Notes the fields replica `seq` of `localID` was built from (in the outbox transaction).
    func recordSentFields(connection: String, localID: String, seq: Int64, fields: JSON?) throws {
        try run("INSERT OR REPLACE INTO sent_fields (connection, local_id, seq, fields) VALUES (?, ?, ?, ?)",
                [.text(connection), .text(localID), .integer(seq), .json(fields)])
    }

    /// The fields of acknowledged replica `seq`, forgetting it and every older
    /// one; nil when an apply since has superseded them.
    func takeSentFields(connection: String, localID: String, seq: Int64) throws -> JSON? {
        let fields = try query("SELECT fields FROM sent_fields WHERE connection = ? AND local_id = ? AND seq = ?",
                               [.text(connection), .text(localID), .integer(seq)]) { $0.json(0) }.first ?? nil
        try run("DELETE FROM sent_fields WHERE connection = ? AND local_id = ? AND seq <= ?",
                [.text(connection), .text(localID), .integer(seq)])
        return fields
    }

    /// Forgets the fields of every replica of `localID` queued so far (after an apply).
    func dropSentFields(connection: String, localID: String) throws {
        try run("DELETE FROM sent_fields WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)])
    }
}
