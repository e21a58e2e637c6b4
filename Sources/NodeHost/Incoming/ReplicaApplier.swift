import SyncScript
import TandemJSON
import TandemTime

/// Inbox replica → incoming script → tracker write → twin + ack.
///
/// Input: the head replica of one inbox lane. Writes to the tracker happen
/// before the final transaction, so each is made safe to repeat: a create
/// carries a correlation id (`EntityCreator`), and every comment and
/// attachment added is recorded at once (`CommentApplier`, `AttachmentApplier`).
///
/// Invariant (store 5): the inbox rows' removal, the twin update and the
/// ack are one transaction.
struct ReplicaApplier {
    let context: ConnectionContext
    let instance: PluginInstance
    /// The connection's incoming script.
    let script: Script
    let conflictPolicy: ConflictPolicy
    /// Ours, when one rule covers every field: with the peer's, it breaks a tie of equal policies.
    let stance: ConflictStance?
    /// Rebuilds our replica of the written entity (the echo baseline).
    let builder: ReplicaBuilder
    let creator: EntityCreator
    let comments: CommentApplier
    let attachments: AttachmentApplier
    let failures: FailurePolicy

    /// Replicas are whole-state snapshots, so when a lane holds several the
    /// newest stands for all of them: it is applied, and the older ones are
    /// removed with it in the final transaction. Under bursts and after an
    /// outage this turns N queued changes of one entity into one apply.
    func process(_ head: QueuedMessage, _ replica: ReplicaMessage) -> StageOutcome {
        let newest: QueuedMessage?
        do {
            newest = try context.store.read { try $0.newestReplica(connection: context.name, lane: head.lane) }
        } catch {
            return failures.retry(head, "store: \(error)")
        }
        if let newest, newest.seq > head.seq {
            do throws(ProtocolError) {
                guard case .replica(var message) = try newest.decoded() else { return apply(head, replica, oldest: head.id) }
                // What the peer held us to have before the oldest of these.
                message.previous = replica.previous
                return apply(newest, message, oldest: min(head.id, newest.id))
            } catch {
                return failures.park(newest, label: head.lane, "undecodable replica in the store: \(error)")
            }
        }
        return apply(head, replica, oldest: head.id)
    }

    /// Applies `message`, queued as `queued`; `oldest` is the inbox id of the lane's oldest message.
    private func apply(_ queued: QueuedMessage, _ message: ReplicaMessage, oldest: Int64) -> StageOutcome {
        let label = message.source.label
        let failed: (String) -> PeerMessage? = { reason in
            .ack(AckMessage(lane: message.source.id, seq: message.seq, outcome: .failed(reason: reason)))
        }
        let existing: Twin?
        // An apply of ours to the twin cut short before it was recorded (ConflictBase).
        let intent: ApplyIntent?
        do {
            (existing, intent) = try context.store.read { tx in
                var twin = try tx.twin(connection: context.name, remoteID: message.source.id)
                if twin == nil, let target = message.target { twin = try tx.twin(connection: context.name, localID: target.id) }
                guard let twin else { return (nil, nil) }
                return (twin, try tx.applyIntent(connection: context.name, localID: twin.localID))
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
        if let existing, message.seq <= existing.lastAppliedSeq {
            do {
                try context.store.write { try $0.deleteReplicas(connection: context.name, lane: queued.lane, upTo: message.seq) }
            } catch {
                return failures.retry(queued, "store: \(error)")
            }
            return .skipped("replica \(message.seq) of \(label) was already applied")
        }

        // The local entity: the twin's, one created before a crash (found by
        // its correlation id), or none (first sync).
        var twin = existing
        var local: JSON?
        do {
            if let twin {
                local = try readLocal(twin, interrupted: intent != nil)
            } else if let found = try creator.createdBeforeRestart(message, oldest: oldest), let id = found["id"]?.stringValue {
                local = try instance.call("get", ["id": .string(id)]).json
                twin = Twin(connection: context.name, localID: id)
                context.logger.info("found \(found["key"]?.stringValue ?? id) created before a restart; not creating it again",
                                    connection: context.name, entity: label)
            }
        } catch let error as PluginCallError where error.kind == .notFound {
            let reason = "the local twin \(twin?.localKey ?? twin?.localID ?? "?") no longer exists in the tracker"
            return failures.park(queued, label: label, reason, answer: failed(reason))
        } catch {
            return failures.failed(queued, label: label, error, doing: "get local twin", answer: failed)
        }

        if let twin, let entity = local {
            local = TwinMarks(context: context).withCommentTwins(entity, localID: twin.localID)
        }
        let changes: JSON
        let touched: Set<String>
        do {
            (changes, touched) = try runScript(message, twin: twin, local: local, label: label)
        } catch {
            return failures.park(queued, label: label, "\(error)", answer: failed("\(error)"))
        }

        var written = changes
        var keptLocal: Set<String> = []
        var decided: [ConflictResolver.Conflict] = []
        var seen = FieldsSeen()
        let sent: JSON?, newest: JSON?
        do {
            (sent, newest) = try context.store.read { tx in
                guard let twin else { return (nil, nil) }
                let fields = { (seq: Int64) in seq > 0 ? try tx.replicaFields(connection: context.name, localID: twin.localID, seq: seq) : nil }
                return (try fields(message.appliedSeq), try fields(twin.nextSeq - 1))
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
        if let twin, let local, let base = ConflictBase.base(of: twin, sent: sent, appliedSeq: message.appliedSeq, interrupted: intent, local: local) {
            seen = FieldsSeen(twin: twin, local: local, sent: sent, newest: newest, base: base, appliedSeq: message.appliedSeq,
                              interrupted: intent, script: changes, touched: touched)
            let resolver = ConflictResolver(policy: conflictPolicy)
            let outcome = resolver.resolve(changes: changes, local: local, base: base,
                                           alsoKnown: ConflictBase.alsoKnown(of: twin, sent: sent, appliedSeq: message.appliedSeq),
                                           edited: seen.edited, peerLast: seen.peerLast,
                                           localTime: local["updated"]?.stringValue.flatMap(Timestamp.parse),
                                           remoteTime: message.source.updated.flatMap(Timestamp.parse) ?? message.noticedAt,
                                           tie: tie(with: message.stance, localID: twin.localID, remoteID: message.source.id))
            switch outcome {
            case .apply(let resolved, let conflicts, let kept):
                record(conflicts, entity: label)
                decided = conflicts
                written = resolved
                keptLocal = kept
            case .park(let reason, let conflicts):
                record(conflicts, entity: label)
                do {  // the decision, before the park that follows from it
                    try context.store.write { try $0.recordConflicts(conflicts, connection: context.name, entity: twin.localID,
                                                                     remote: message.source.id, tx: "\(message.source.id)#\(message.seq)") }
                } catch {
                    return failures.retry(queued, "store: \(error)")
                }
                return failures.park(queued, label: label, reason, answer: failed(reason))
            }
        }
        let agreed = ConflictBase.agreed(changes: changes, keptLocal: keptLocal, interrupted: intent, local: local)
        return write(written, agreed: agreed, seen: seen, queued: queued, message: message, conflicts: decided, twin: twin,
                     local: local, interrupted: intent)
    }

    /// How a conflict both nodes decide by the same rule ends, when the peer said its rule.
    private func tie(with peer: ConflictStance?, localID: String, remoteID: String) -> ConflictResolver.Tie? {
        guard let stance, let peer, peer.rule == stance.rule else { return nil }
        return ConflictResolver.Tie(rule: peer.rule, localWins: peer.localWinsTie(with: stance, localID: localID, remoteID: remoteID))
    }

    /// Runs the incoming script; the changes it recorded on `issue`, and the members it read or assigned.
    private func runScript(_ message: ReplicaMessage, twin: Twin?, local: JSON?, label: String) throws -> (JSON, Set<String>) {
        let view = EntityView(local ?? ["fields": [:], "comments": [], "attachments": []], mode: .recording)
        view.tracksReads = true
        let run = ScriptRun(script)
        run.bind("replica", message.replica)
        // The replica the peer holds us to have: its last sent, or the echo it
        // did not send after applying our change (so an A→B→A edit shows).
        run.bind("previous", message.previous ?? twin?.lastReceivedReplica ?? .null)
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("firstSync", .bool(local == nil))
        // Fields edited here since the last sync, so a script can decide conflicts itself.
        run.bind("localChanges", local.map { ConflictResolver.localChanges(local: $0, base: twin?.base) } ?? .object([:]))
        let host = NodeScriptHost(context: context, instance: instance, twin: twin, entity: label)
        ScriptHelpers.bindLogAndDebug(into: run, host: host)
        ScriptHelpers.bindIncoming(into: run, host: host)
        try run.run()
        return (view.changes, view.readMembers)
    }

    private func record(_ conflicts: [ConflictResolver.Conflict], entity: String) {
        for conflict in conflicts {
            context.metrics.increment("tandem_conflicts_total", ["connection": context.name, "policy": conflict.rule.rawValue])
            context.logger.warn("conflict on field '\(conflict.field)': local \(conflict.local.text), remote \(conflict.remote.text); \(conflict.rule.rawValue)\(conflict.tie ? " on both nodes, tie to the node named first" : "") → \(conflict.winner) value kept",
                                connection: context.name, entity: entity)
        }
    }

    private func write(_ changes: JSON, agreed: Set<String>, seen: FieldsSeen, queued: QueuedMessage, message: ReplicaMessage,
                       conflicts: [ConflictResolver.Conflict] = [],
                       twin initial: Twin?, local: JSON?, interrupted: ApplyIntent?) -> StageOutcome {
        let label = message.source.label
        var twin = initial
        var after: JSON?
        var addedComments: Set<String> = []
        var addedAttachments: Set<String> = []
        /// Whether `after` is the entity exactly as the tracker has it now.
        var exact = false
        // A first sync holds the new entity's lane from its creation to the
        // final commit (see `EntityCreator`), so its own change event waits.
        var createdLane: String?
        defer { if let createdLane { context.locks.release([createdLane]) } }
        let fields = changes["fields"] ?? .object([:])
        do {
            if twin == nil {
                let (created, answer) = try creator.create(fields: fields, for: message)
                twin = created
                createdLane = "entity:" + created.localID
                // A create that answers the new entity's fields stands for a
                // re-read, as an exact update's answer does: it is the entity
                // at its first version. Its comments and attachments are taken
                // as none; one the tracker added on its own (a rule's journal
                // entry) differs from the echo baseline at the outgoing
                // stage's next read, which is always a full one, and is sent.
                if answer["fields"] != nil {
                    after = answer
                    if answer["comments"] == nil { after?["comments"] = .array([]) }
                    if answer["attachments"] == nil { after?["attachments"] = .array([]) }
                    exact = true
                }
            } else if let twin, let written = fields.objectValue, !written.isEmpty {
                let localFields = local?["fields"]?.objectValue ?? [:]
                try context.store.write { tx in
                    try tx.saveApplyIntent(connection: context.name, ApplyIntent(
                        localID: twin.localID, seq: message.seq, written: written,
                        before: written.keys.reduce(into: [:]) { $0[$1] = interrupted?.before[$1] ?? localFields[$1] ?? .null }))
                }
                let output = try instance.call("update", ["id": .string(twin.localID), "fields": fields]).json
                // The updated record stands for a re-read when it is exact:
                // nobody else wrote between our read and this write (the
                // version moved by exactly our one write) and it carries what
                // the read did. Otherwise the entity is read again below.
                if output["fields"] != nil, output["comments"] != nil
                    || Self.version(output) == Self.version(local).map({ $0 + 1 }) {
                    after = output
                    if output["comments"] == nil { after?["comments"] = local?["comments"] ?? .array([]) }
                    if output["attachments"] == nil { after?["attachments"] = local?["attachments"] ?? .array([]) }
                    exact = true
                }
            } else if initial != nil, let local {
                after = local  // nothing to write: the entity is as read
                after?["changedByConnector"] = nil  // about this read only, never a snapshot's
                exact = true
            }
            guard let current = twin else { return failures.retry(queued, "create returned no entity") }
            addedComments = try comments.add(changes["comments"]?.arrayValue ?? [], to: current)
            addedAttachments = try attachments.add(changes["attachments"]?.arrayValue ?? [], to: current, attempts: queued.attempts)
            if after == nil || !addedComments.isEmpty || !addedAttachments.isEmpty {
                after = try instance.call("get", ["id": .string(current.localID)]).json
                exact = true
            }
        } catch let error as PluginCallError where error.isTransient {
            return failures.retry(queued, error.description, retryAfterMs: error.retryAfterMs)
        } catch {
            let reason = "apply to \(twin?.localKey ?? "new entity"): \(error)"
            if let twin {
                // Parked: the entity's own changes may be sent again meanwhile.
                do {
                    try context.store.write { try $0.deleteApplyIntent(connection: context.name, localID: twin.localID) }
                } catch {
                    return failures.retry(queued, "store: \(error)")
                }
            }
            return failures.park(queued, label: label, reason,
                                 answer: .ack(AckMessage(lane: message.source.id, seq: message.seq, outcome: .failed(reason: reason))))
        }
        guard var final = twin, let after else { return failures.retry(queued, "nothing to record") }

        let baseline = echoBaseline(after: after, before: local.map { interrupted?.undone($0) ?? $0 }, twin: initial, written: changes,
                                    addedComments: addedComments, addedAttachments: addedAttachments, label: final.localKey)
        do {
            try context.store.write { tx in
                // Start from the stored twin: never write back a stale copy of
                // fields another stage owns (the outgoing seq, last sent).
                if let stored = try tx.twin(connection: context.name, localID: final.localID) { final = stored }
                // Our first replica's ack may come after the peer's own first replica, which names our entity.
                let linking = final.remoteID == nil
                final.remoteID = message.source.id
                final.remoteKey = message.source.key ?? final.remoteKey
                final.remoteURL = message.source.url ?? final.remoteURL
                final.localKey = after["key"]?.stringValue ?? final.localKey
                final.localURL = after["url"]?.stringValue ?? final.localURL
                final.lastAppliedSeq = message.seq
                final.lastReceivedReplica = message.replica
                let agreedNow = initial == nil ? Set(after["fields"]?.objectValue?.keys.map { $0 } ?? []) : agreed
                // Agreed on: what the apply wrote, else the local value it found equal.
                let agreedValues: JSON? = initial == nil ? nil : .object(
                    (local?["fields"]?.objectValue ?? [:])
                        .merging(ConflictBase.interruptedWrites(interrupted, local: local)) { $1 }
                        .merging(fields.objectValue ?? [:]) { $1 })
                ConflictBase.record(agreed: agreedNow, after: after["fields"], agreedValues: agreedValues,
                                    mark: BaseMark(ours: final.nextSeq - 1, peerApplied: message.appliedSeq), into: &final)
                seen.save(agreed: agreedNow, into: &final)
                final.snapshot = exact && after["version"] != nil ? after : nil
                switch baseline {
                case .adopted(let replica):
                    final.lastSentHash = ReplicaBuilder.hash(replica)
                    final.lastSentReplica = replica
                case .unsent(let before, let after):
                    if let sent = final.lastSentReplica {
                        final.lastSentReplica = EchoBaseline.peerKnown(lastSent: sent, before: before, after: after)
                    }
                case .none:
                    break
                }
                final.lastSyncedAt = Timestamp.now()
                try tx.save(final)
                try tx.deleteApplyIntent(connection: context.name, localID: final.localID)
                try tx.deleteReplicas(connection: context.name, lane: queued.lane, upTo: message.seq)
                try tx.enqueueOutbox(connection: context.name, .ack(AckMessage(
                    lane: message.source.id, seq: message.seq,
                    outcome: .applied(local: EntityRef(id: final.localID, key: final.localKey, url: final.localURL)))))
                try tx.recordConflicts(conflicts, connection: context.name, entity: final.localID, remote: message.source.id, tx: "\(message.source.id)#\(message.seq)")
                try tx.recordApplied(connection: context.name, entity: final.localID, remote: message.source.id, remoteKey: message.source.key,
                                     seq: message.seq, changes: changes,
                                     created: initial == nil, comments: addedComments.count, attachments: addedAttachments.count)
                if linking {
                    try tx.recordLinkedByPeer(connection: context.name, entity: final.localID, peer: message.source,
                                              tx: "\(message.source.id)#\(message.seq)")
                }
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
        context.sendSignal.signal()
        if let noticed = message.noticedAt {
            context.metrics.observe("tandem_sync_latency_seconds", ["connection": context.name],
                                    seconds: Double(max(0, Timestamp.now() - noticed)) / 1000)
        }
        return .done("applied replica \(message.seq) of \(label) to \(final.localKey ?? final.localID)")
    }

    /// What an apply means for the replica the peer holds us to have.
    private enum Echo {
        /// Our outgoing script's replica of the entity now: a change event
        /// whose replica hashes the same is our own write.
        case adopted(JSON)
        /// The entity held changes not yet sent: they must still go out, but
        /// the members the apply changed (replicas of the entity before and
        /// after it) are known to the peer (`EchoBaseline.peerKnown`).
        case unsent(before: JSON, after: JSON)
        case none
    }

    /// What our outgoing script makes of the entity now, if it may become
    /// the echo baseline. Adopted only if every difference the script can
    /// see is ours: a change someone made between our writes and this read
    /// would otherwise be taken for an echo and never sent.
    private func echoBaseline(after: JSON, before local: JSON?, twin: Twin?, written: JSON,
                              addedComments: Set<String>, addedAttachments: Set<String>, label: String?) -> Echo {
        let built: (replica: JSON, reads: Set<String>)
        do {
            built = try builder.replicaAndReads(for: after)
        } catch {
            // The outgoing stage meets the same error and parks the entity.
            return .none
        }
        // A first sync: nothing tells our create from an edit someone made
        // right after it, so no baseline; the entity's next change event
        // sends it whole, and the peer finds nothing to write.
        guard let local else { return .none }
        // Checked first: a foreign change would pass for a member the peer
        // knows, and the peer's script would never see it.
        if let foreign = EchoBaseline.foreignChange(before: local, after: after, written: written, addedComments: addedComments,
                                                     addedAttachments: addedAttachments, reads: built.reads) {
            context.logger.info("a local change landed while applying (\(foreign)); it will be sent",
                                connection: context.name, entity: label)
            return .none
        }
        switch unsentLocalChange(before: local, twin: twin) {
        case .sent:
            return .adopted(built.replica)
        case .unsent(let replica):
            context.logger.info("the entity had changes not yet sent when this apply began; it will be sent",
                                connection: context.name, entity: label)
            return .unsent(before: replica, after: built.replica)
        case .unknown(let reason):
            context.logger.info("\(reason); it will be sent", connection: context.name, entity: label)
            return .none
        }
    }

    /// Whether the entity held changes the peer has not been sent when the
    /// apply began (their notice waits behind this lane): then the post-apply
    /// state is not all known to the peer and must not become the baseline.
    private func unsentLocalChange(before: JSON, twin: Twin?) -> Unsent {
        guard let twin else { return .sent }
        // Created here for the peer and not announced yet: a change made
        // since the create (its notice waits, e.g. for the tracker to come
        // back) is in `before`, and nothing tells it from our create.
        guard let sent = twin.lastSentHash else { return .unknown("nothing of this entity has been sent to the peer yet") }
        let replica: JSON
        do {
            replica = try builder.replica(for: before)
        } catch {
            return .unknown("the outgoing script fails on the entity as read: \(error)")
        }
        return ReplicaBuilder.hash(replica) == sent ? .sent : .unsent(replica)
    }

    private enum Unsent {
        /// Nothing unsent.
        case sent
        /// Our replica of the entity as it was, which differs from the last sent.
        case unsent(JSON)
        case unknown(String)
    }

    /// The local entity: the twin's snapshot while the tracker reports its
    /// version unchanged (one small request), else a full read.
    /// - Parameter interrupted: an apply of ours to it was cut short: always
    ///   a full read, asking which fields the connector's own account changed
    ///   last (`authors`), so a step of that write is told from an edit.
    private func readLocal(_ twin: Twin, interrupted: Bool) throws -> JSON {
        if interrupted { return try instance.call("get", ["id": .string(twin.localID), "authors": true]).json }
        if let snapshot = twin.snapshot, let known = snapshot["version"]?.stringValue,
           let current = try instance.callIfDeclared("version", ["id": .string(twin.localID)])?.json["version"]?.stringValue,
           current == known {
            return snapshot
        }
        return try instance.call("get", ["id": .string(twin.localID)]).json
    }

    static func version(_ entity: JSON?) -> Int? {
        entity?["version"]?.stringValue.flatMap { Int($0) }
    }
}
