import Foundation
import SyncScript
import TandemJSON

/// Inbox message → incoming script → tracker write → twin + ack (DESIGN.md §3
/// steps 5–7), and acks from the peer → twin link.
///
/// Input: the head message of one inbox lane. Writes to the tracker happen
/// before the final transaction, so each is made safe to repeat: a create
/// carries a correlation id the connector can `lookup` after a crash, and
/// every comment added is recorded as a comment twin at once.
///
/// Invariant (Schema 5): the inbox row's removal, the twin update and the ack
/// are one transaction.
struct IncomingStage {
    typealias Input = QueuedMessage
    let context: ConnectionContext

    func process(_ message: QueuedMessage) -> StageOutcome {
        switch message.kind {
        case .ack: return recordAck(message)
        case .replica: return apply(message)
        case .link, .unlink, .linkAck: return LinkStage(context: context).process(message)
        }
    }

    // MARK: - Replicas

    /// Replicas are whole-state snapshots, so when a lane holds several the
    /// newest stands for all of them: it is applied, and the older ones are
    /// removed with it in the final transaction. Under bursts and after an
    /// outage this turns N queued changes of one entity into one apply.
    private func apply(_ head: QueuedMessage) -> StageOutcome {
        let newest = (try? context.store.read { try $0.newestReplica(connection: context.name, lane: head.lane) }) ?? nil
        if let newest, newest.seq > head.seq { return applyNewest(newest) }
        return applyNewest(head)
    }

    private func applyNewest(_ message: QueuedMessage) -> StageOutcome {
        let sourceKey = message.body["source"]?["key"]?.stringValue ?? message.lane
        let replica = message.body["replica"] ?? .object([:])
        let existing: Twin?
        do {
            existing = try context.store.read { tx in
                if let twin = try tx.twin(connection: context.name, remoteID: message.lane) { return twin }
                if let target = message.body["target"]?["id"]?.stringValue {
                    return try tx.twin(connection: context.name, localID: target)
                }
                return nil
            }
        } catch {
            return retry(message, "store: \(error)")
        }
        if let existing, message.seq <= existing.lastAppliedSeq {
            try? context.store.write { try $0.deleteReplicas(connection: context.name, lane: message.lane, upTo: message.seq) }
            return .skipped("replica \(message.seq) of \(sourceKey) was already applied")
        }

        // The local entity: the twin's, one created before a crash (found by
        // its correlation id), or none (first sync).
        var twin = existing
        var local: JSON?
        do {
            if let twin {
                local = try readLocal(twin)
            } else if let found = try createdBeforeRestart(message), let id = found["id"]?.stringValue {
                local = try context.instance.call("get", ["id": .string(id)]).json
                twin = Twin(connection: context.name, localID: id)
                context.logger.info("found \(found["key"]?.stringValue ?? id) created before a restart; not creating it again",
                                    connection: context.name, entity: sourceKey)
            }
        } catch let error as PluginCallError where !error.isTransient && error.kind != .notFound {
            return park(message, sourceKey, "get local twin: \(error)")
        } catch let error as PluginCallError where error.kind == .notFound {
            return park(message, sourceKey, "the local twin \(twin?.localKey ?? twin?.localID ?? "?") no longer exists in the tracker")
        } catch {
            return retry(message, "\(error)")
        }

        if let twin, let entity = local {
            local = context.withCommentTwins(entity, localID: twin.localID)
        }
        let view = EntityView(local ?? ["fields": [:], "comments": [], "attachments": []], mode: .recording)
        let run = ScriptRun(context.incomingScript)
        run.bind("replica", replica)
        run.bind("previous", twin?.lastReceivedReplica ?? .null)
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("firstSync", .bool(local == nil))
        // Fields edited here since the last sync, so a script can decide conflicts itself.
        run.bind("localChanges", local.map { ConflictResolver.localChanges(local: $0, base: twin?.base) } ?? .object([:]))
        ScriptHelpers.bindLogAndDebug(into: run, context: context, entity: sourceKey)
        ScriptHelpers.bindIncoming(into: run, context: context, twin: twin)
        do {
            try run.run()
        } catch {
            return park(message, sourceKey, "\(error)")
        }
        var changes = view.changes
        // Conflicts are judged against what the peer knew when it built this
        // replica: our fields as of the replica of ours it had applied (kept
        // in replica_fields until the peer acknowledges a later one), else,
        // when it had applied none, the fields as of our last apply.
        let appliedSeq = Int64(message.body["appliedSeq"]?.intValue ?? 0)
        let seenByPeer: JSON? = appliedSeq > 0 ? twin.flatMap { twin in
            (try? context.store.read { try $0.replicaFields(connection: context.name, localID: twin.localID, seq: appliedSeq) }) ?? nil
        } : nil
        let conflictBase = seenByPeer ?? twin?.base
        if let twin, let local, let base = conflictBase {
            let resolver = ConflictResolver(policy: context.config.conflicts)
            let outcome = resolver.resolve(changes: changes, local: local, base: base,
                                           localTime: local["updated"]?.stringValue.flatMap(parseISOMillis),
                                           remoteTime: message.body["source"]?["updated"]?.stringValue.flatMap(parseISOMillis)
                                               ?? message.body["noticedAt"]?.intValue.map(Int64.init))
            switch outcome {
            case .apply(let resolved, let conflicts):
                record(conflicts, entity: sourceKey)
                changes = resolved
            case .park(let reason, let conflicts):
                record(conflicts, entity: sourceKey)
                return park(message, sourceKey, reason)
            }
        }
        return write(changes, message: message, replica: replica, twin: twin, local: local, sourceKey: sourceKey)
    }

    private func record(_ conflicts: [ConflictResolver.Conflict], entity: String) {
        for conflict in conflicts {
            context.metrics.increment("tandem_conflicts_total", ["connection": context.name, "policy": conflict.rule.rawValue])
            context.logger.warn("conflict on field '\(conflict.field)': local \(conflict.local.text), remote \(conflict.remote.text); \(conflict.rule.rawValue) → \(conflict.winner) value kept",
                                connection: context.name, entity: entity)
        }
    }

    private func write(_ changes: JSON, message: QueuedMessage, replica: JSON, twin initial: Twin?, local: JSON?,
                       sourceKey: String) -> StageOutcome {
        var twin = initial
        var after: JSON?
        var addedComments: Set<String> = []
        var addedAttachments: Set<String> = []
        /// Whether `after` is the entity exactly as the tracker has it now.
        var exact = false
        // A first sync holds the new entity's lane from its creation to the
        // final commit (see `create`), so its own change event waits.
        var createdLane: String?
        defer { if let createdLane { context.locks.release([createdLane]) } }
        let fields = changes["fields"] ?? .object([:])
        do {
            if twin == nil {
                let created = try create(fields: fields, message: message)
                twin = created
                createdLane = "entity:" + created.localID
            } else if let twin, !(fields.objectValue?.isEmpty ?? true) {
                let output = try context.instance.call("update", ["id": .string(twin.localID), "fields": fields]).json
                // The updated record stands for a re-read. Without comments and
                // attachments in it, those it had before are carried over; should
                // this apply add any, the entity is read again below. (A comment
                // someone adds meanwhile is then missing from the baseline, which
                // only makes the baseline stricter: that comment is still sent.)
                if output["fields"] != nil {
                    after = output
                    if output["comments"] == nil { after?["comments"] = local?["comments"] ?? .array([]) }
                    if output["attachments"] == nil { after?["attachments"] = local?["attachments"] ?? .array([]) }
                    // Exact only if nobody else wrote between our read and this
                    // write: the version moved by exactly our one write.
                    exact = output["comments"] != nil
                        || Self.version(output) == Self.version(local).map { $0 + 1 }
                }
            } else if initial != nil, let local {
                after = local  // nothing to write: the entity is as read
                exact = true
            }
            guard let current = twin else { return retry(message, "create returned no entity") }
            addedComments = try addComments(changes["comments"]?.arrayValue ?? [], to: current)
            addedAttachments = try AttachmentApplier(context: context, attempts: message.attempts)
                .add(changes["attachments"]?.arrayValue ?? [], to: current)
            if after == nil || !(changes["comments"]?.arrayValue?.isEmpty ?? true) || !addedAttachments.isEmpty {
                after = try context.instance.call("get", ["id": .string(current.localID)]).json
                exact = true
            }
        } catch let error as PluginCallError where error.isTransient {
            return retry(message, error.description, retryAfterMs: error.retryAfterMs)
        } catch {
            return park(message, sourceKey, "apply to \(twin?.localKey ?? "new entity"): \(error)")
        }
        guard var final = twin, let after else { return retry(message, "nothing to record") }

        // Echo baseline: what our outgoing script makes of the entity now.
        // A change event whose replica hashes the same is our own write. It is
        // adopted only if every difference the script can see is ours: a
        // change someone made between our writes and this read would
        // otherwise be taken for an echo and never sent.
        var baseline: JSON?
        if let (replica, reads) = try? ReplicaBuilder.replicaAndReads(for: after, context: context) {
            if let local, let unsent = unsentLocalChange(before: local, twin: initial) {
                context.logger.info("\(unsent); it will be sent", connection: context.name, entity: final.localKey)
            } else if let local, let foreign = EchoBaseline.foreignChange(before: local, after: after, written: changes,
                                                                         addedComments: addedComments, addedAttachments: addedAttachments,
                                                                         reads: reads) {
                context.logger.info("a local change landed while applying (\(foreign)); it will be sent",
                                    connection: context.name, entity: final.localKey)
            } else {
                baseline = replica
            }
        }
        do {
            try context.store.write { tx in
                // Start from the stored twin: never write back a stale copy of
                // fields another stage owns (the outgoing seq, last sent).
                if let stored = try tx.twin(connection: context.name, localID: final.localID) { final = stored }
                final.remoteID = message.lane
                final.remoteKey = message.body["source"]?["key"]?.stringValue ?? final.remoteKey
                final.remoteURL = message.body["source"]?["url"]?.stringValue ?? final.remoteURL
                final.localKey = after["key"]?.stringValue ?? final.localKey
                final.localURL = after["url"]?.stringValue ?? final.localURL
                final.lastAppliedSeq = message.seq
                final.lastReceivedReplica = replica
                final.base = after["fields"]
                final.snapshot = exact && after["version"] != nil ? after : nil
                if let baseline {
                    final.lastSentHash = ReplicaBuilder.hash(baseline)
                    final.lastSentReplica = baseline
                }
                final.lastSyncedAt = nowMs()
                try tx.save(final)
                try tx.deleteReplicas(connection: context.name, lane: message.lane, upTo: message.seq)
                try tx.enqueueOutbox(connection: context.name, kind: .ack, lane: message.lane, seq: Self.ackSeq(message.seq, applied: true), body: [
                    "kind": "ack", "lane": .string(message.lane), "seq": .int(message.seq), "outcome": "applied",
                    "local": ["id": .string(final.localID), "key": final.localKey.map(JSON.string) ?? .null,
                              "url": final.localURL.map(JSON.string) ?? .null],
                ])
            }
        } catch {
            return retry(message, "store: \(error)")
        }
        context.sendSignal.signal()
        if let noticed = message.body["noticedAt"]?.intValue {
            context.metrics.observe("tandem_sync_latency_seconds", ["connection": context.name],
                                    seconds: Double(max(0, Int(nowMs()) - noticed)) / 1000)
        }
        return .done("applied replica \(message.seq) of \(sourceKey) to \(final.localKey ?? final.localID)")
    }

    /// Creates the local twin on first sync and records it at once, so a
    /// retry after this point updates instead of creating again.
    private func create(fields: JSON, message: QueuedMessage) throws -> Twin {
        context.beginCreate()
        defer { context.endCreate() }
        let created = try context.instance.call("create", ["fields": fields, "correlationId": .string(correlationID(message))]).json
        guard let id = created["id"]?.stringValue else {
            throw PluginCallError(.internal, "create answered without an id: \(created.text)")
        }
        // No outgoing work can hold this lane yet: entities without a twin wait
        // while a create is in flight. Take it before the twin becomes visible.
        while !context.locks.tryAcquire(["entity:" + id]) { usleep(1_000) }
        var twin = Twin(connection: context.name, localID: id)
        twin.localKey = created["key"]?.stringValue
        twin.localURL = created["url"]?.stringValue
        twin.remoteID = message.lane
        twin.remoteKey = message.body["source"]?["key"]?.stringValue
        try context.store.write { try $0.save(twin) }
        return twin
    }

    /// Whether the entity held changes the peer has not been sent when the
    /// apply began (their notice waits behind this lane): then the post-apply
    /// state is not all known to the peer and must not become the baseline.
    private func unsentLocalChange(before: JSON, twin: Twin?) -> String? {
        guard let twin, let sent = twin.lastSentHash else { return nil }
        guard let replica = try? ReplicaBuilder.replica(for: before, context: context) else { return nil }
        return ReplicaBuilder.hash(replica) == sent ? nil : "the entity had changes not yet sent when this apply began"
    }

    /// The local entity: the twin's snapshot while the tracker reports its
    /// version unchanged (one small request), else a full read.
    private func readLocal(_ twin: Twin) throws -> JSON {
        if let snapshot = twin.snapshot, let known = snapshot["version"]?.stringValue,
           let current = try context.callIfDeclared("version", ["id": .string(twin.localID)])?.json["version"]?.stringValue,
           current == known {
            return snapshot
        }
        return try context.instance.call("get", ["id": .string(twin.localID)]).json
    }

    static func version(_ entity: JSON?) -> Int? {
        entity?["version"]?.stringValue.flatMap { Int($0) }
    }

    /// Adds each comment not added before; returns the new comments' ids.
    private func addComments(_ comments: [JSON], to twin: Twin) throws -> Set<String> {
        try CommentApplier(context: context).add(comments, to: twin)
    }

    /// The entity a create for this message made before a crash, found by its
    /// correlation id; nil when there is none (the normal first sync) or the
    /// connector cannot look it up.
    private func createdBeforeRestart(_ message: QueuedMessage) throws -> JSON? {
        do {
            return try context.callIfDeclared("lookup", ["correlationId": .string(correlationID(message))])?.json
        } catch let error as PluginCallError where error.kind == .notFound {
            return nil
        }
    }

    private func correlationID(_ message: QueuedMessage) -> String {
        "\(context.name):\(message.lane)"
    }

    // MARK: - Acks

    /// An ack's place in its lane: a failure and a later success for the same
    /// replica are distinct messages, the failure ordered first.
    static func ackSeq(_ seq: Int64, applied: Bool) -> Int64 { seq * 2 + (applied ? 1 : 0) }

    private func recordAck(_ message: QueuedMessage) -> StageOutcome {
        let outcome = message.body["outcome"]?.stringValue ?? "applied"
        do {
            return try context.store.write { tx in
                try tx.deleteInbox(id: message.id)
                guard var twin = try tx.twin(connection: context.name, localID: message.lane) else {
                    return .skipped("ack for unknown entity \(message.lane)")
                }
                if outcome == "applied", let remoteID = message.body["local"]?["id"]?.stringValue {
                    if let other = try tx.twin(connection: context.name, remoteID: remoteID), other.localID != twin.localID {
                        context.logger.warn("peer entity \(remoteID) is already twinned with \(other.localKey ?? other.localID); ignoring ack",
                                            connection: context.name, entity: twin.localKey)
                        return .skipped("conflicting ack")
                    }
                    twin.remoteID = remoteID
                    twin.remoteKey = message.body["local"]?["key"]?.stringValue ?? twin.remoteKey
                    twin.remoteURL = message.body["local"]?["url"]?.stringValue ?? twin.remoteURL
                    twin.remoteStatus = "applied"
                    twin.lastSyncedAt = nowMs()
                    if let seq = message.body["seq"]?.intValue {  // later peer replicas name this one or newer
                        try tx.pruneReplicaFields(connection: context.name, localID: twin.localID, below: Int64(seq))
                    }
                } else {
                    twin.remoteStatus = "failed: " + (message.body["reason"]?.stringValue ?? "no reason given")
                }
                try tx.save(twin)
                return .done("peer \(outcome) replica \(message.seq) of \(twin.localKey ?? twin.localID)")
            }
        } catch {
            return retry(message, "store: \(error)")
        }
    }

    // MARK: - Failures

    private func retry(_ message: QueuedMessage, _ reason: String, retryAfterMs: Int64? = nil) -> StageOutcome {
        let delay = context.backoff.delayMs(attempt: message.attempts, retryAfterMs: retryAfterMs)
        try? context.store.write { try $0.deferInbox(id: message.id, until: nowMs() + delay) }
        return .retry(reason: reason, delayMs: delay)
    }

    /// Parks the lane and tells the peer, in one transaction.
    private func park(_ message: QueuedMessage, _ label: String, _ reason: String) -> StageOutcome {
        do {
            try context.store.write { tx in
                try tx.park(connection: context.name, lane: message.parkedLane, entity: label, stage: "incoming", reason: reason)
                try tx.enqueueOutbox(connection: context.name, kind: .ack, lane: message.lane, seq: Self.ackSeq(message.seq, applied: false), body: [
                    "kind": "ack", "lane": .string(message.lane), "seq": .int(message.seq), "outcome": "failed",
                    "reason": .string(reason),
                ])
            }
        } catch {
            return retry(message, "store: \(error)")
        }
        context.sendSignal.signal()
        return .parked(reason)
    }
}
