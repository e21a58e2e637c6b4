import TandemJSON

/// Keeps an entity from travelling twice to the same peer node.
///
/// Several connections may share an instance (operators split scopes that
/// way), and a peer node may serve several of them. An entity that one
/// connection already twinned with a peer — because it created it there,
/// created it here on the peer's behalf, or linked it — is never announced
/// as new by another connection towards the same peer: there it would
/// become a second entity, whose echo would come back as a third, and so on.
/// Two connections point at the same peer when their peer URLs are equal.
struct LoopGuard {
    let context: ConnectionContext

    /// Another connection's active twin of `localID` towards this
    /// connection's peer, if any.
    func twinTowardsSamePeer(_ tx: StoreTransaction, localID: String) throws -> Twin? {
        guard !context.samePeer.isEmpty else { return nil }
        return try tx.twins(localID: localID).first { twin in
            context.samePeer.contains(twin.connection) && twin.status == .active && twin.remoteID != nil
        }
    }
}
