import SyncScript
import TandemJSON

/// Pending change → replica → outbox (DESIGN.md §3 steps 2–3).
///
/// Input: a `PendingChange`. Output: a `replica` message in the outbox, or
/// nothing when the replica equals the last one sent (unchanged, or the echo
/// of our own apply: see `IncomingStage`).
///
/// Invariant (Schema 2): the outbox row, the twin's next seq and its
/// last-sent hash are written in one transaction.
struct OutgoingStage {
    typealias Input = PendingChange
    let context: ConnectionContext

    func process(_ change: PendingChange) -> StageOutcome {
        let label = change.localKey ?? change.localID
        let entity: JSON
        do {
            entity = try carriedEntity(change) ?? context.instance.call("get", ["id": .string(change.localID)]).json
            if let refusal = try ScopeGate(context: context).refusal(for: entity, localID: change.localID, announcedBy: change.source) {
                try context.store.write { try $0.completePending(change) }
                return .skipped(refusal)
            }
            try AttachmentHasher(context: context).hashUnknown(of: entity)
        } catch {
            return failure(error, change, label: label, stage: "outgoing")
        }
        let replica: JSON
        do {
            replica = try ReplicaBuilder.replica(for: entity, context: context)
        } catch {
            return park(change, label: label, reason: "\(error)")
        }
        let hash = ReplicaBuilder.hash(replica)
        do {
            return try context.store.write { tx in
                var twin = try tx.twin(connection: context.name, localID: change.localID)
                    ?? Twin(connection: context.name, localID: change.localID)
                twin.localKey = entity["key"]?.stringValue ?? twin.localKey
                twin.localURL = entity["url"]?.stringValue ?? twin.localURL
                if twin.status == "linking" {  // sent once the peer answers `tandem connect`: as an update
                    return .retry(reason: "\(label) waits for the peer to answer its link request",
                                  delayMs: context.backoff.delayMs(attempt: change.attempts))
                }
                if twin.status == "unsynced" {
                    try tx.completePending(change)
                    return .skipped("\(label) is unsynced")
                }
                if hash == twin.lastSentHash {
                    try tx.completePending(change)
                    try tx.save(twin)
                    return .skipped("replica of \(label) unchanged since last sent")
                }
                let seq = twin.nextSeq
                var message: [String: JSON] = [
                    "kind": "replica", "seq": .int(seq), "replica": replica,
                    "source": ["id": .string(change.localID), "key": entity["key"] ?? .null, "url": entity["url"] ?? .null,
                               "updated": entity["updated"] ?? .null],
                    "noticedAt": .int(change.noticedAt), "sentAt": .int(nowMs()),
                    // The newest replica of the peer's entity this side had applied:
                    // tells the peer whether this one was built knowing its latest.
                    "appliedSeq": .int(twin.lastAppliedSeq),
                ]
                if let remoteID = twin.remoteID {
                    message["target"] = ["id": .string(remoteID), "key": twin.remoteKey.map(JSON.string) ?? .null]
                }
                try tx.enqueueOutbox(connection: context.name, kind: .replica, lane: change.localID, seq: seq, body: .object(message))
                try tx.recordReplicaFields(connection: context.name, localID: change.localID, seq: seq, fields: entity["fields"])
                twin.nextSeq = seq + 1
                // The first replica sent is the originating side's base; after
                // that only applies move it, so a simultaneous edit shows up
                // as a conflict on both nodes.
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
            return .retry(reason: "store: \(error)", delayMs: context.backoff.delayMs(attempt: change.attempts))
        }
    }

    /// The entity a webhook carried, if it is newer than what was last sent.
    ///
    /// Saves a tracker read. Only a webhook whose signature verified carries
    /// one (`WebhookIntake`). A late or repeated webhook can carry an older
    /// state than the one already sent; then only a fresh read is trusted.
    /// Attachments to fetch are taken only from the node's own read.
    private func carriedEntity(_ change: PendingChange) throws -> JSON? {
        guard let entity = change.entity, let updated = entity["updated"]?.stringValue,
              try AttachmentHasher(context: context).knowsAll(of: entity) else { return nil }
        let sent = try? context.store.read { try $0.twin(connection: context.name, localID: change.localID)?.sentUpdated }
        if let sent = sent ?? nil, updated <= sent { return nil }
        return entity
    }

    private func failure(_ error: any Error, _ change: PendingChange, label: String, stage: String) -> StageOutcome {
        guard let callError = error as? PluginCallError else { return park(change, label: label, reason: "\(error)") }
        if callError.isTransient {
            return .retry(reason: callError.description,
                          delayMs: context.backoff.delayMs(attempt: change.attempts, retryAfterMs: callError.retryAfterMs))
        }
        if callError.kind == .notFound {
            try? context.store.write { try $0.completePending(change) }
            return .skipped("\(label) no longer exists in the tracker")
        }
        return park(change, label: label, reason: "get \(label): \(callError)")
    }

    private func park(_ change: PendingChange, label: String, reason: String) -> StageOutcome {
        do {
            try context.store.write { tx in
                try tx.park(connection: context.name, lane: "out:" + change.localID, entity: label, stage: "outgoing", reason: reason)
            }
        } catch {
            return .retry(reason: "store: \(error)", delayMs: context.backoff.delayMs(attempt: change.attempts))
        }
        return .parked(reason)
    }
}
