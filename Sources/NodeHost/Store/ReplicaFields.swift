import TandemJSON
import TandemSQL

/// The local fields each of our replicas was built from (table `replica_fields`).
///
/// A peer replica says which of ours it had applied (`appliedSeq`). When
/// that is not our latest (a newer one is still in flight), the peer saw our
/// fields as of that replica: a field it carries back unchanged from those is
/// no edit of the peer's, and judged against an older base it would look
/// like a conflict and undo our newer edit.
///
/// Invariant: rows are kept from the replica's enqueue until the peer
/// acknowledges a later seq and no peer replica waiting in the inbox names an
/// older one. A peer replica built before the peer applied ours is queued
/// there before the ack (the peer sends in order), but may wait for a retry
/// after it; replicas built after the ack name the acknowledged seq or a newer.
extension StoreTransaction {
    func recordReplicaFields(connection: String, localID: String, seq: Int64, fields: JSON?) throws {
        try run("INSERT OR REPLACE INTO replica_fields (connection, local_id, seq, fields) VALUES (?, ?, ?, ?)",
                [.text(connection), .text(localID), .integer(seq), .json(fields)])
    }

    func replicaFields(connection: String, localID: String, seq: Int64) throws -> JSON? {
        try query("SELECT fields FROM replica_fields WHERE connection = ? AND local_id = ? AND seq = ?",
                  [.text(connection), .text(localID), .integer(seq)]) { try $0.json(0) }.first ?? nil
    }

    /// The oldest of our replicas that a peer replica still waiting in
    /// `lane` names, if one waits.
    func oldestNamedByWaitingReplicas(connection: String, lane: String) throws -> Int64? {
        let named = try query("SELECT body FROM inbox WHERE connection = ? AND kind = 'replica' AND lane = ?",
                              [.text(connection), .text(lane)]) { row in try row.json(0)?["appliedSeq"]?.intValue.map(Int64.init) ?? 0 }
        return named.min()
    }

    /// Forgets the replicas older than `seq`, which the peer acknowledged.
    func pruneReplicaFields(connection: String, localID: String, below seq: Int64) throws {
        try run("DELETE FROM replica_fields WHERE connection = ? AND local_id = ? AND seq < ?",
                [.text(connection), .text(localID), .integer(seq)])
    }
}
