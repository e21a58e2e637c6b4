import TandemJSON
import TandemTime

// The events the stages record, each a one-line call inside the stage's own
// write transaction.
extension StoreTransaction {
    /// A replica built and queued: its seq and the members that differ from
    /// the replica last sent (all of them for the first).
    func recordBuilt(connection: String, entity: String, remote: String?, seq: Int64, replica: JSON, previous: JSON?) throws {
        guard recordsHistory else { return }
        try recordHistory(.built, connection: connection, entity: entity, remote: remote, tx: "\(entity)#\(seq)",
                          ["seq": .int(seq), "changed": .array(Self.changedMembers(from: previous, to: replica).map(JSON.string))])
    }

    /// A change noticed. Notices that follow each other with no other step
    /// between (a burst of edits, a webhook and a poll) lead to one build, so
    /// they are one event: its `count`, newest `source` and `lastAt` grow.
    /// An update leaves the indexes alone, where an insert writes three trees.
    func recordNoticed(connection: String, entity: String, source: String, now: Int64 = Timestamp.now()) throws {
        guard recordsHistory else { return }
        if let last = try lastHistoryEvent(connection: connection, entity: entity, remote: nil), last.kind == .noticed {
            var detail = last.detail.objectValue ?? [:]
            detail["count"] = .int(Int64((detail["count"]?.intValue ?? 1) + 1))
            detail["source"] = .string(source)
            detail["lastAt"] = .string(Timestamp.iso(now))
            try run("UPDATE history SET detail = ? WHERE id = ?", [.blob(JSON.object(detail).serialized()), .integer(last.id)])
            return
        }
        try recordHistory(.noticed, connection: connection, entity: entity, ["source": .string(source)], now: now)
    }

    /// A replica equal to the one the peer has: the echo of our own last
    /// apply when that was the entity's latest event, else merely unchanged.
    func recordNotSent(connection: String, entity: String, remote: String?) throws {
        guard recordsHistory else { return }
        let last = try lastHistoryEvent(connection: connection, entity: entity, remote: nil)?.kind
        try recordHistory(last == .applied ? .echo : .unchanged, connection: connection, entity: entity, remote: remote)
    }

    /// Each conflict decided for a replica, with both values, the policy and the kept side.
    func recordConflicts(_ conflicts: [ConflictResolver.Conflict], connection: String, entity: String?, remote: String, tx: String) throws {
        guard recordsHistory else { return }
        for conflict in conflicts {
            try recordHistory(.conflict, connection: connection, entity: entity, remote: remote, tx: tx, [
                "field": .string(conflict.field), "local": conflict.local, "remote": conflict.remote,
                "policy": .string(conflict.rule.rawValue), "winner": .string(conflict.winner),
            ])
        }
    }

    /// The replicas, acks and link messages of a batch the peer stored
    /// (older replicas of an entity coalesced away were not sent).
    func recordSent(_ sent: [QueuedMessage], connection: String) throws {
        guard recordsHistory else { return }
        for message in sent {
            switch message.kind {
            case .replica:
                try recordHistory(.sent, connection: connection, entity: message.lane, tx: message.transactionID, ["seq": .int(message.seq)])
            case .link, .unlink:
                try recordHistory(.sent, connection: connection, entity: message.lane, tx: message.transactionID,
                                  ["message": .string(message.kind.rawValue), "seq": .int(message.seq)])
            case .ack, .linkAck:
                // The lane is the entity the answer is about: the peer's id here.
                let local = try twin(connection: connection, remoteID: message.lane)?.localID
                try recordHistory(.sent, connection: connection, entity: local, remote: message.lane, tx: message.transactionID, [
                    "message": .string(message.kind.rawValue), "seq": .int(message.kind == .ack ? message.seq / 2 : message.seq),
                    "outcome": message.body["outcome"] ?? .null,
                ])
            }
        }
    }

    /// A message of the peer stored in the inbox: replicas, links and
    /// unlinks (acks and link-acks are recorded when processed).
    func recordReceived(connection: String, _ message: PeerMessage) throws {
        guard recordsHistory else { return }
        let tx = message.transactionID
        switch message {
        case .replica(let replica):
            let local = try twin(connection: connection, remoteID: message.lane)?.localID
            try recordHistory(.received, connection: connection, entity: local, remote: message.lane, tx: tx, ["seq": .int(replica.seq)])
        case .link(let link):
            try recordHistory(.received, connection: connection, remote: message.lane, tx: tx, [
                "message": .string(message.kind.rawValue), "seq": .int(link.seq), "remoteKey": .string(link.source.label),
                "key": .string(link.remoteKey),
            ])
        case .unlink(let unlink):
            let local = try twin(connection: connection, remoteID: message.lane)?.localID
            try recordHistory(.received, connection: connection, entity: local, remote: message.lane, tx: tx,
                              ["message": .string(message.kind.rawValue), "seq": .int(unlink.seq), "remoteKey": .string(unlink.source.label)])
        case .ack, .linkAck:
            break
        }
    }

    /// A replica written to the tracker: the fields, comments and attachments it wrote.
    /// A created entity is linked with the peer's from now on (`linked`, via created).
    func recordApplied(connection: String, entity: String, remote: String, remoteKey: String?, seq: Int64, changes: JSON, created: Bool,
                       comments: Int, attachments: Int) throws {
        guard recordsHistory else { return }
        let fields = (changes["fields"]?.objectValue?.keys.sorted() ?? []).map(JSON.string)
        try recordHistory(.applied, connection: connection, entity: entity, remote: remote, tx: "\(remote)#\(seq)", [
            "seq": .int(seq), "fields": .array(fields), "created": .bool(created),
            "comments": .int(Int64(comments)), "attachments": .int(Int64(attachments)),
        ])
        if created {
            try adoptHistory(connection: connection, entity: entity, remote: remote)
            try recordHistory(.linked, connection: connection, entity: entity, remote: remote, tx: "\(remote)#\(seq)",
                              ["via": "created", "remoteID": .string(remote), "remoteKey": remoteKey.map(JSON.string) ?? .null])
        }
    }

    /// The peer's answer to one of our replicas.
    func recordAcked(connection: String, entity: String, remote: String?, seq: Int64, failure: String?) throws {
        var detail: [String: JSON] = ["seq": .int(seq), "outcome": .string(failure == nil ? "applied" : "failed")]
        if let failure { detail["reason"] = .string(failure) }
        try recordHistory(.acked, connection: connection, entity: entity, remote: remote, tx: "\(entity)#\(seq)", detail)
    }

    /// The peer named its entity for our first replica, in its ack or in a
    /// replica of its own that arrived first: the twin is formed. `tx` is the
    /// exchange that told us.
    func recordLinkedByPeer(connection: String, entity: String, peer: EntityRef, tx: String) throws {
        try recordHistory(.linked, connection: connection, entity: entity, remote: peer.id, tx: tx,
                          ["via": "replica", "remoteID": .string(peer.id), "remoteKey": peer.key.map(JSON.string) ?? .null])
    }

    // MARK: Linking (tx: `MessageKind.transactionID` of the link message)

    /// Files the events recorded under the peer's id alone (before the twin
    /// existed) under the local entity too, so they stay in its history after
    /// an unsync clears the twin's peer id.
    func adoptHistory(connection: String, entity: String, remote: String) throws {
        guard recordsHistory else { return }
        try run("UPDATE history SET entity = ? WHERE connection = ? AND remote = ? AND entity IS NULL",
                [.text(entity), .text(connection), .text(remote)])
    }

    /// An operator asked to link local `entity` with the peer's `remoteKey`.
    func recordLinkRequested(connection: String, entity: String, remoteKey: String, seq: Int64) throws {
        try recordHistory(.linkRequested, connection: connection, entity: entity,
                          tx: MessageKind.link.transactionID(lane: entity, seq: seq),
                          ["seq": .int(seq), "remoteKey": .string(remoteKey)])
    }

    /// This node accepted the peer's link request `link` for local `entity`.
    func recordLinked(connection: String, entity: String, answering link: LinkMessage) throws {
        try adoptHistory(connection: connection, entity: entity, remote: link.lane)
        try recordHistory(.linked, connection: connection, entity: entity, remote: link.lane,
                          tx: MessageKind.link.transactionID(lane: link.lane, seq: link.seq),
                          ["via": "request", "remoteID": .string(link.lane), "remoteKey": .string(link.source.label)])
    }

    /// This node refused the peer's link request.
    func recordLinkRefused(connection: String, answering link: LinkMessage, reason: String) throws {
        try recordHistory(.linkRefused, connection: connection, remote: link.lane,
                          tx: MessageKind.link.transactionID(lane: link.lane, seq: link.seq),
                          ["reason": .string(reason), "key": .string(link.remoteKey)])
    }

    /// The peer's answer to our link or unlink request, as this node took it
    /// (`outcome` refused when the peer linked but this side could not).
    func recordLinkAcked(connection: String, request: LinkRequest, outcome: LinkRequest.State, reason: String?,
                         peer: EntityRef?) throws {
        var detail: [String: JSON] = ["action": .string(request.action.rawValue), "outcome": .string(outcome.rawValue),
                                      "seq": .int(request.seq)]
        if let reason { detail["reason"] = .string(reason) }
        if let key = peer?.key ?? request.remoteKey { detail["remoteKey"] = .string(key) }
        try recordHistory(.linkAcked, connection: connection, entity: request.localID, remote: peer?.id,
                          tx: MessageKind.link.transactionID(lane: request.localID, seq: request.seq), detail)
    }

    /// Nothing of `entity` is sent any more: unsynced here (the unlink
    /// message `seq` tells the peer) or at the peer's request.
    func recordUnlinked(connection: String, entity: String?, remote: String?, byPeer: Bool, lane: String, seq: Int64) throws {
        try recordHistory(.unlinked, connection: connection, entity: entity, remote: remote,
                          tx: MessageKind.unlink.transactionID(lane: lane, seq: seq),
                          ["by": .string(byPeer ? "peer" : "here"), "seq": .int(seq)])
    }

    // MARK: Transient retries

    /// A transient failure deferred an inbox message until `next`.
    func recordRetry(_ message: QueuedMessage, connection: String, reason: String, next: Int64) throws {
        guard recordsHistory else { return }
        switch message.kind {
        case .ack, .linkAck:
            try recordRetry(connection: connection, entity: message.lane, remote: nil, tx: message.transactionID,
                            stage: message.kind == .ack ? "ack" : "link", reason: reason, attempt: message.attempts, next: next)
        case .replica, .link, .unlink:
            let local = try twin(connection: connection, remoteID: message.lane)?.localID
            try recordRetry(connection: connection, entity: local, remote: message.lane, tx: message.transactionID,
                            stage: message.kind == .replica ? "incoming" : "link", reason: reason, attempt: message.attempts, next: next)
        }
    }

    /// A transient failure, or other work on the entity it `waiting` for,
    /// deferred a noticed change until `next`.
    func recordRetry(_ change: PendingChange, reason: String, next: Int64, waiting: Bool = false) throws {
        try recordRetry(connection: change.connection, entity: change.localID, remote: nil, tx: nil, stage: "outgoing",
                        reason: reason, attempt: change.attempts, next: next, waiting: waiting)
    }

    /// A transient failure deferred work on an entity until `next`.
    ///
    /// A retry storm must not push the entity's real steps out of its
    /// bounded history: when the entity's newest event is already a retry of
    /// the same stage, that event is updated instead (count, attempt, next
    /// attempt, newest reason; `firstReason` keeps where the run began). So
    /// a run of retries costs one row, however long it lasts.
    func recordRetry(connection: String, entity: String?, remote: String?, tx: String?, stage: String, reason: String,
                     attempt: Int, next: Int64, waiting: Bool = false, now: Int64 = Timestamp.now()) throws {
        guard recordsHistory, entity != nil || remote != nil else { return }
        let last = try lastHistoryEvent(connection: connection, entity: entity, remote: remote)
        var detail: [String: JSON] = ["stage": .string(stage), "reason": .string(reason), "attempt": .int(Int64(attempt + 1)),
                                      "next": .string(Timestamp.iso(next)), "nextMs": .int(next), "count": 1]
        if waiting { detail["waiting"] = true }
        if let last, last.kind == .retrying, var updated = last.detail.objectValue, updated["stage"]?.stringValue == stage {
            let first = updated["firstReason"] ?? updated["reason"] ?? .string(reason)
            updated.merge(detail) { $1 }
            updated["waiting"] = detail["waiting"]
            updated["count"] = .int(Int64((last.detail["count"]?.intValue ?? 1) + 1))
            updated["lastAt"] = .string(Timestamp.iso(now))
            updated["firstReason"] = first.stringValue == reason ? nil : first
            try run("UPDATE history SET detail = ? WHERE id = ?", [.blob(JSON.object(updated).serialized()), .integer(last.id)])
            return
        }
        try recordHistory(.retrying, connection: connection, entity: entity, remote: remote, tx: tx, detail, now: now)
    }

    /// The newest event recorded under the local id `entity`, else under the
    /// peer's id `remote`. Newest by time, then id: the order of the indexes,
    /// so the lookup reads one entry and sorts nothing.
    func lastHistoryEvent(connection: String, entity: String?, remote: String?) throws
        -> (id: Int64, kind: HistoryEvent.Kind?, detail: JSON)? {
        guard entity != nil || remote != nil else { return nil }
        let (column, key) = entity.map { ("entity", $0) } ?? ("remote", remote ?? "")
        return try query("SELECT id, kind, detail FROM history WHERE connection = ? AND \(column) = ? ORDER BY at DESC, id DESC LIMIT 1",
                         [.text(connection), .text(key)]) { row in
            (id: row.int64(0), kind: HistoryEvent.Kind(rawValue: row.text(1) ?? ""), detail: try row.json(2) ?? .object([:]))
        }.first
    }

    /// The top-level members whose values differ between two replicas, sorted.
    static func changedMembers(from old: JSON?, to new: JSON) -> [String] {
        let before = old?.objectValue ?? [:]
        let after = new.objectValue ?? [:]
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}
