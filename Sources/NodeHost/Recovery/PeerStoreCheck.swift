import TandemHTTP
import TandemJSON

/// The receiving side of store identity: a batch from a store other than the
/// one a connection trusts (lost and begun again, or restored from a backup)
/// is refused with 409 and the connection parked with the reason, instead of
/// having its restarted sequence numbers dropped as duplicates.
///
/// A batch without `store` (a node older than protocol 1.2) is let through.
struct PeerStoreCheck {
    static let parkedLane = "peer-store"
    let store: Store
    let logger: Logger

    /// Nil when the batch may be stored; else the answer to send.
    func admit(connection: String, batch: JSON) -> HTTPResponse? {
        do {
            if let waiting = try store.read({ try $0.awaitingRecovery(connection: connection) }) {
                return .json(409, ["error": "awaiting recovery",
                                   "reason": .string("this node's store \(waiting); it takes no batch until `tandem recover --connection \(connection)` runs on it")])
            }
        } catch {
            logger.error("cannot check whether the connection awaits recovery: \(error)", connection: connection)
            return .json(503, ["error": "unavailable", "reason": "the node could not read its store; send the batch again"])
        }
        guard let sent = StoreIdentity(json: batch["store"]) else { return nil }
        do {
            let reason: String? = try store.write { tx in
                guard case .changed(let trusted, let sent, let firstSeen) = try tx.admitPeerStore(connection: connection, sent: sent) else {
                    return nil
                }
                let reason = Self.reason(connection: connection, trusted: trusted, sent: sent)
                if firstSeen {
                    try tx.park(connection: connection, lane: Self.parkedLane, entity: "connection \(connection)", stage: "peer-store",
                                reason: reason)
                    logger.error(reason, connection: connection)
                }
                return reason
            }
            guard let reason else { return nil }
            return .json(409, ["error": "peer store changed", "reason": .string(reason)])
        } catch {
            logger.error("cannot check the peer's store identity: \(error)", connection: connection)
            return .json(503, ["error": "unavailable", "reason": "the node could not read its store; send the batch again"])
        }
    }

    static func reason(connection: String, trusted: StoreIdentity, sent: StoreIdentity) -> String {
        let what = trusted.id == sent.id ? "was restored from a backup (epoch \(trusted.epoch) → \(sent.epoch))"
            : "was lost and begun again (\(trusted.id) → \(sent.id))"
        return "the peer's store \(what): its sequence numbers started over, so its messages are refused rather than dropped as duplicates. Run `tandem recover --connection \(connection)` on the peer's node"
    }
}
