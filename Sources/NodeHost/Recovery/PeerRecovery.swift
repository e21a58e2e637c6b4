import TandemHTTP
import TandemJSON

/// Rebuilding a connection after one node's store was lost or restored
/// (`tandem recover --connection C`, run on that node).
///
/// The recovering node posts its identity to the peer (`POST
/// /peer/v1/recover`, signed like every peer request). The peer, in one
/// transaction, trusts that identity from now on, forgets the sequence
/// numbers it applied from the old one (the new store counts from 1 again),
/// drops that store's unprocessed replicas, closes the connection's
/// `peer-store` park, and answers with its twins, each with the last replica
/// it applied from the recovering node.
///
/// What is sent again, so that nothing is lost and nothing stale wins:
/// - the peer resends an entity whose latest replica the recovering node may
///   never have applied (not acknowledged as applied: it may have died in the
///   lost inbox); its unsent changes leave from its outbox as usual;
/// - the recovering node rebuilds each link, takes the peer's last applied
///   replica as "last sent", drops the replicas it queued before the links
///   were known, and queues every entity: only one whose replica differs from
///   what the peer has (an edit made while the link was broken, or an entity
///   the peer never had) is sent, as an update of its known twin.
enum PeerRecovery {
    static let path = "/peer/v1/recover"

    /// The peer's side: `request` is signed and for `context`'s connection.
    static func serve(_ request: HTTPRequest, context: ConnectionContext) -> HTTPResponse {
        guard let sent = StoreIdentity(json: (try? JSON(parsing: request.body))?["store"]) else {
            return .json(400, ["error": "bad request", "reason": "body must be {\"store\": {\"id\": …, \"epoch\": …}}"])
        }
        let name = context.name
        do {
            let twins: [Twin] = try context.store.write { tx in
                try tx.trustPeerStore(connection: name, sent)
                try tx.run("UPDATE twins SET last_applied_seq = 0 WHERE connection = ?", [.text(name)])
                try tx.run("DELETE FROM inbox WHERE connection = ? AND kind = 'replica'", [.text(name)])
                // Not known to be applied there: the latest replica was never
                // acknowledged as applied, or an older one is still unacknowledged.
                try tx.run("""
                    UPDATE twins SET last_sent_hash = NULL WHERE connection = ? AND next_seq > 1
                      AND (coalesce(remote_status, '') != 'applied'
                           OR EXISTS (SELECT 1 FROM replica_fields f WHERE f.connection = twins.connection
                                      AND f.local_id = twins.local_id AND f.seq < twins.next_seq - 1))
                    """, [.text(name)])
                try queueLinked(tx, connection: name)
                for parked in try tx.openParked(connection: name) where parked.lane == PeerStoreCheck.parkedLane {
                    try tx.closeParked(id: parked.id, state: "resolved")
                }
                return try tx.twins(connection: name).filter { $0.remoteID != nil }
            }
            context.logger.warn("the peer recovered its store as \(sent): trusting it from now on and resending \(twins.count) linked entities",
                                connection: name)
            context.work.signal()
            return .json(200, ["store": context.store.identity.json, "twins": .array(twins.map(json))])
        } catch {
            context.logger.error("cannot recover the connection for the peer: \(error)", connection: name)
            return .json(503, ["error": "unavailable", "reason": .string("the node could not update its store: \(error)")])
        }
    }

    /// Queues every active entity of the connection (linked ones only, when `linkedOnly`): the
    /// outgoing stage sends those whose replica differs from the one the peer has.
    static func queueLinked(_ tx: StoreTransaction, connection: String, linkedOnly: Bool = true) throws {
        for twin in try tx.twins(connection: connection) where (twin.remoteID != nil || !linkedOnly) && twin.status == .active {
            try tx.notePending(connection: connection, localID: twin.localID, localKey: twin.localKey, source: "recover")
        }
    }

    private static func json(_ twin: Twin) -> JSON {
        ["local": ["id": .string(twin.localID), "key": twin.localKey.map(JSON.string) ?? .null, "url": twin.localURL.map(JSON.string) ?? .null],
         "remote": ["id": twin.remoteID.map(JSON.string) ?? .null, "key": twin.remoteKey.map(JSON.string) ?? .null,
                    "url": twin.remoteURL.map(JSON.string) ?? .null],
         "lastReceived": twin.lastReceivedReplica ?? .null]
    }
}
