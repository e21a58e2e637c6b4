import TandemJSON
import TandemTime

/// The peer's answer to one of our replicas → the twin's link and status.
///
/// This is the sending side's end of a replica's path: an `applied` ack
/// records the peer's entity on the twin (its first sync makes the link), a
/// `failed` ack records the peer's reason, shown by `tandem status`.
struct AckStage {
    let context: ConnectionContext
    let failures: FailurePolicy

    func process(_ queued: QueuedMessage, _ ack: AckMessage) -> StageOutcome {
        do {
            return try context.store.write { tx in
                try tx.deleteInbox(id: queued.id)
                guard var twin = try tx.twin(connection: context.name, localID: ack.lane) else {
                    return .skipped("ack for unknown entity \(ack.lane)")
                }
                let label = twin.localKey ?? twin.localID
                switch ack.outcome {
                case .applied(let peer):
                    if let other = try tx.twin(connection: context.name, remoteID: peer.id), other.localID != twin.localID {
                        context.logger.warn("peer entity \(peer.id) is already twinned with \(other.localKey ?? other.localID); ignoring ack",
                                            connection: context.name, entity: label)
                        return .skipped("conflicting ack")
                    }
                    let linking = twin.remoteID == nil
                    twin.remoteID = peer.id
                    twin.remoteKey = peer.key ?? twin.remoteKey
                    twin.remoteURL = peer.url ?? twin.remoteURL
                    twin.remoteStatus = "applied"
                    twin.lastSyncedAt = Timestamp.now()
                    // Later peer replicas name this one or a newer one; those waiting may name an older one.
                    let named = try tx.oldestNamedByWaitingReplicas(connection: context.name, lane: peer.id)
                    try tx.pruneReplicaFields(connection: context.name, localID: twin.localID, below: min(ack.seq, named ?? ack.seq))
                    try tx.save(twin)
                    try tx.recordAcked(connection: context.name, entity: twin.localID, remote: peer.id, seq: ack.seq, failure: nil)
                    if linking {
                        try tx.recordLinkedByPeer(connection: context.name, entity: twin.localID, peer: peer, tx: "\(twin.localID)#\(ack.seq)")
                    }
                    return .done("peer applied replica \(ack.seq) of \(label)")
                case .failed(let reason):
                    twin.remoteStatus = "failed: " + reason
                    try tx.save(twin)
                    try tx.recordAcked(connection: context.name, entity: twin.localID, remote: twin.remoteID, seq: ack.seq, failure: reason)
                    return .done("peer failed replica \(ack.seq) of \(label)")
                }
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
    }
}
