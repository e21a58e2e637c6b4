import TandemJSON

/// Keeps an entity from travelling twice to the same peer node.
///
/// Several connections may share an instance (operators split scopes that
/// way), and a peer node may serve several of them. An entity that one
/// connection already twinned with the peer — because it announced it
/// there (even before the peer answered), created it here on the peer's
/// behalf, or linked it — is never announced as new by another connection
/// towards the same peer: there it would become a second entity, whose echo
/// could come back as a third, and so on. When scopes overlap, the first
/// connection to announce an entity keeps it. Two connections point at the
/// same peer when they share the instance and the peer URL.
struct LoopGuard {
    /// The other connections of this node over the same instance towards the same peer.
    let samePeer: Set<String>

    /// Another connection's twin of `localID` towards this connection's peer,
    /// linked or announced, if any. Runs in the outgoing transaction, so two
    /// connections cannot both announce one entity.
    func twinTowardsSamePeer(_ tx: StoreTransaction, localID: String) throws -> Twin? {
        for connection in samePeer.sorted() {
            guard let twin = try tx.twin(connection: connection, localID: localID) else { continue }
            if twin.status != .unsynced && (twin.remoteID != nil || twin.nextSeq > 1) { return twin }
        }
        return nil
    }
}
