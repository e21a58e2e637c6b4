import SyncScript
import TandemJSON
import TandemTime

/// Pending change → replica → outbox.
///
/// Input: a `PendingChange`. Output: a `replica` message in the outbox, or
/// nothing when the replica equals the last one sent (unchanged, or the echo
/// of our own apply: see `ReplicaApplier`), or when the entity is already
/// twinned with the same peer through another connection (see `LoopGuard`).
///
/// Invariant (store 2): the outbox row, the twin's next seq and its
/// last-sent hash are written in one transaction.
struct OutgoingStage {
    let context: ConnectionContext
    let instance: PluginInstance
    let scope: ScopeGate
    let hasher: AttachmentHasher
    let builder: ReplicaBuilder
    let loopGuard: LoopGuard
    /// Announced with each replica, so the peer can break a tie of equal policies.
    let stance: ConflictStance?
    let failures: FailurePolicy

    func process(_ change: PendingChange) -> StageOutcome {
        let label = change.localKey ?? change.localID
        let entity: JSON
        do {
            entity = try carriedEntity(change) ?? instance.call("get", ["id": .string(change.localID)]).json
            if let refusal = try scope.refusal(for: entity, localID: change.localID, announcedBy: change.source) {
                try context.store.write { try $0.completePending(change) }
                return .skipped(refusal)
            }
            try hasher.hashUnknown(of: entity)
        } catch {
            return failure(error, change, label: label)
        }
        let replica: JSON
        do {
            replica = try builder.replica(for: entity)
        } catch {
            return failures.park(change, label: label, "\(error)")
        }
        let hash = ReplicaBuilder.hash(replica)
        do {
            return try context.store.write { tx in
                var twin = try tx.twin(connection: context.name, localID: change.localID)
                    ?? Twin(connection: context.name, localID: change.localID)
                twin.localKey = entity["key"]?.stringValue ?? twin.localKey
                twin.localURL = entity["url"]?.stringValue ?? twin.localURL
                switch twin.status {
                case .linking:  // sent once the peer answers `tandem connect`: as an update
                    return try failures.wait(change, "\(label) waits for the peer to answer its link request", in: tx)
                case .unsynced:
                    try tx.completePending(change)
                    return .skipped("\(label) is unsynced")
                case .active:
                    break
                }
                if try tx.applyIntent(connection: context.name, localID: change.localID) != nil {
                    // Our own half-applied write must not go back as a local change.
                    return try failures.wait(change, "\(label) waits for an apply of the peer's replica to finish", in: tx)
                }
                if twin.remoteID == nil, twin.lastSentHash == nil,
                   let holder = try loopGuard.twinTowardsSamePeer(tx, localID: change.localID) {
                    try tx.completePending(change)
                    context.metrics.increment("tandem_loop_suppressed_total", ["connection": context.name])
                    return .skipped("\(label) already syncs with the same peer through connection '\(holder.connection)'\(holder.remoteKey.map { " (as \($0))" } ?? ""); not announcing it again")
                }
                if hash == twin.lastSentHash {
                    try tx.recordNotSent(connection: context.name, entity: change.localID, remote: twin.remoteID)
                    try tx.completePending(change)
                    try tx.save(twin)
                    return .skipped("replica of \(label) unchanged since last sent")
                }
                let seq = twin.nextSeq
                let newest = seq > 1 ? try tx.replicaFields(connection: context.name, localID: change.localID, seq: seq - 1) : nil
                twin.localEdits = LocalEdits.merged(twin.localEdits, LocalEdits.observe(entity["fields"], newest: newest, twin: twin))
                let message = ReplicaMessage(
                    seq: seq, replica: replica,
                    source: EntityRef(id: change.localID, key: entity["key"]?.stringValue, url: entity["url"]?.stringValue,
                                      updated: entity["updated"]?.stringValue),
                    target: twin.remoteID.map { EntityRef(id: $0, key: twin.remoteKey) },
                    noticedAt: change.noticedAt, sentAt: Timestamp.now(), appliedSeq: twin.lastAppliedSeq,
                    previous: twin.lastSentReplica, stance: stance)
                try tx.enqueueOutbox(connection: context.name, .replica(message))
                try tx.recordBuilt(connection: context.name, entity: change.localID, remote: twin.remoteID, seq: seq, replica: replica,
                                   previous: twin.lastSentReplica)
                try tx.recordReplicaFields(connection: context.name, localID: change.localID, seq: seq, fields: entity["fields"])
                twin.nextSeq = seq + 1
                // The originating side's base starts as its first replica; from
                // then on only applies move it (ConflictBase).
                if twin.base == nil { twin.base = entity["fields"] }
                twin.sentUpdated = entity["updated"]?.stringValue
                if entity["version"] != nil { twin.snapshot = entity }
                twin.lastSentHash = hash
                twin.lastSentReplica = replica
                try tx.save(twin)
                try tx.completePending(change)
                return .done("queued replica \(seq) of \(label)")
            }
        } catch {
            return failures.retry(change, "store: \(error)")
        }
    }

    /// The entity a webhook carried, if it is newer than what was last sent.
    ///
    /// Saves a tracker read. Only a webhook whose signature verified carries
    /// one (`WebhookIntake`). A late or repeated webhook can carry an older
    /// state than the one already sent; then only a fresh read is trusted.
    /// Attachments to fetch are taken only from the node's own read.
    private func carriedEntity(_ change: PendingChange) throws -> JSON? {
        guard change.entityJSON != nil else { return nil }
        // Parsed inside the read, so damage is counted as the store's fault.
        let (entity, sent) = try context.store.read { tx in
            (try change.carriedEntity(), try tx.sentUpdated(connection: context.name, localID: change.localID))
        }
        guard let entity, let updated = entity["updated"]?.stringValue, try hasher.knowsAll(of: entity) else { return nil }
        if let sent, updated <= sent { return nil }
        return entity
    }

    private func failure(_ error: any Error, _ change: PendingChange, label: String) -> StageOutcome {
        guard let callError = error as? PluginCallError else { return failures.park(change, label: label, "\(error)") }
        if callError.isTransient {
            return failures.retry(change, callError.description, retryAfterMs: callError.retryAfterMs)
        }
        if callError.kind == .notFound {
            do {
                try context.store.write { try $0.completePending(change) }
            } catch {
                return failures.retry(change, "store: \(error)")
            }
            return .skipped("\(label) no longer exists in the tracker")
        }
        return failures.park(change, label: label, "get \(label): \(callError)")
    }
}
