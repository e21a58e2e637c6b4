import TandemSQL
import TandemTime

/// What a batch's store identity means for a connection.
enum PeerStoreVerdict: Sendable, Equatable {
    /// The store this connection trusts (or its first batch): apply as usual.
    case trusted
    /// Another store, or another epoch of it: refuse until `tandem recover`.
    /// `firstSeen` is true for the batch that revealed it.
    case changed(trusted: StoreIdentity, sent: StoreIdentity, firstSeen: Bool)
}

extension StoreTransaction {
    /// Judges the identity a peer's batch carries, recording a change the first time it is seen.
    func admitPeerStore(connection: String, sent: StoreIdentity, now: Int64 = Timestamp.now()) throws -> PeerStoreVerdict {
        let rows = try query("SELECT store_id, epoch, state, seen_id, seen_epoch FROM peer_stores WHERE connection = ?",
                             [.text(connection)]) { row in
            (StoreIdentity(id: row.text(0) ?? "", epoch: row.int64(1)), row.text(2) ?? "",
             row.isNull(3) ? nil : StoreIdentity(id: row.text(3) ?? "", epoch: row.int64(4)))
        }
        guard let (trusted, state, seen) = rows.first else {
            try trustPeerStore(connection: connection, sent, now: now)
            return .trusted
        }
        if state == "trusted" && trusted == sent { return .trusted }
        let firstSeen = state == "trusted" || seen != sent
        if firstSeen {
            try run("UPDATE peer_stores SET state = 'changed', seen_id = ?, seen_epoch = ?, updated_at = ? WHERE connection = ?",
                    [.text(sent.id), .integer(sent.epoch), .integer(now), .text(connection)])
        }
        return .changed(trusted: trusted, sent: sent, firstSeen: firstSeen)
    }

    /// Trusts `identity` for the connection from now on (first contact, or `tandem recover`).
    func trustPeerStore(connection: String, _ identity: StoreIdentity, now: Int64 = Timestamp.now()) throws {
        try run("""
            INSERT INTO peer_stores (connection, store_id, epoch, state, updated_at) VALUES (?, ?, ?, 'trusted', ?)
            ON CONFLICT (connection) DO UPDATE SET store_id = excluded.store_id, epoch = excluded.epoch,
                state = 'trusted', seen_id = NULL, seen_epoch = NULL, updated_at = excluded.updated_at
            """, [.text(connection), .text(identity.id), .integer(identity.epoch), .integer(now)])
    }

    /// Connections refusing their peer's batches until recovery, with the identity they saw.
    func changedPeerStores() throws -> [String: StoreIdentity] {
        let rows = try query("SELECT connection, seen_id, seen_epoch FROM peer_stores WHERE state = 'changed'") {
            ($0.text(0) ?? "", StoreIdentity(id: $0.text(1) ?? "", epoch: $0.int64(2)))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }
}

extension StoreTransaction {
    /// Marks `connection` ('*': every one) as waiting for `tandem recover`.
    func awaitRecovery(connection: String, reason: String, now: Int64 = Timestamp.now()) throws {
        try run("INSERT OR REPLACE INTO awaiting_recovery (connection, reason, since) VALUES (?, ?, ?)",
                [.text(connection), .text(reason), .integer(now)])
    }

    /// Turns a '*' mark into one per connection of this node's configuration.
    func expandAwaitingRecovery(connections: [String]) throws {
        guard let reason = try query("SELECT reason FROM awaiting_recovery WHERE connection = '*'") { $0.text(0) ?? "" }.first else { return }
        for connection in connections { try awaitRecovery(connection: connection, reason: reason) }
        try run("DELETE FROM awaiting_recovery WHERE connection = '*'")
    }

    /// Why `connection` waits for recovery; nil when it does not.
    func awaitingRecovery(connection: String) throws -> String? {
        try query("SELECT reason FROM awaiting_recovery WHERE connection = ?", [.text(connection)]) { $0.text(0) ?? "" }.first
    }

    func recovered(connection: String) throws {
        try run("DELETE FROM awaiting_recovery WHERE connection = ?", [.text(connection)])
    }
}
