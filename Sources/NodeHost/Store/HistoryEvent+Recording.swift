import TandemJSON

// The events the stages record, each a one-line call inside the stage's own
// write transaction.
extension StoreTransaction {
    /// A replica built and queued: its seq and the members that differ from
    /// the replica last sent (all of them for the first).
    func recordBuilt(connection: String, entity: String, remote: String?, seq: Int64, replica: JSON, previous: JSON?) throws {
        try recordHistory(.built, connection: connection, entity: entity, remote: remote, tx: "\(entity)#\(seq)",
                          ["seq": .int(seq), "changed": .array(Self.changedMembers(from: previous, to: replica).map(JSON.string))])
    }

    /// A replica equal to the one the peer has: the echo of our own last
    /// apply when that was the entity's latest event, else merely unchanged.
    func recordNotSent(connection: String, entity: String, remote: String?) throws {
        guard recordsHistory else { return }
        let last = try query("SELECT kind FROM history WHERE connection = ? AND entity = ? ORDER BY id DESC LIMIT 1",
                             [.text(connection), .text(entity)]) { $0.text(0) }.first ?? nil
        try recordHistory(last == HistoryEvent.Kind.applied.rawValue ? .echo : .unchanged, connection: connection, entity: entity, remote: remote)
    }

    /// Each conflict decided for a replica, with both values, the policy and the kept side.
    func recordConflicts(_ conflicts: [ConflictResolver.Conflict], connection: String, entity: String?, remote: String, tx: String) throws {
        for conflict in conflicts {
            try recordHistory(.conflict, connection: connection, entity: entity, remote: remote, tx: tx, [
                "field": .string(conflict.field), "local": conflict.local, "remote": conflict.remote,
                "policy": .string(conflict.rule.rawValue), "winner": .string(conflict.winner),
            ])
        }
    }

    /// The replicas of a batch the peer stored (older replicas of an entity
    /// coalesced away were not sent).
    func recordSent(_ sent: [QueuedMessage], connection: String) throws {
        for message in sent where message.kind == .replica {
            try recordHistory(.sent, connection: connection, entity: message.lane, tx: "\(message.lane)#\(message.seq)",
                              ["seq": .int(message.seq)])
        }
    }

    /// A message of the peer stored in the inbox; only replicas are recorded.
    func recordReceived(connection: String, kind: QueuedMessage.Kind, lane: String, seq: Int64) throws {
        guard recordsHistory, kind == .replica else { return }
        let local = try twin(connection: connection, remoteID: lane)?.localID
        try recordHistory(.received, connection: connection, entity: local, remote: lane, tx: "\(lane)#\(seq)", ["seq": .int(seq)])
    }

    /// A replica written to the tracker: the fields, comments and attachments it wrote.
    func recordApplied(connection: String, entity: String, remote: String, seq: Int64, changes: JSON, created: Bool,
                       comments: Int, attachments: Int) throws {
        let fields = (changes["fields"]?.objectValue?.keys.sorted() ?? []).map(JSON.string)
        try recordHistory(.applied, connection: connection, entity: entity, remote: remote, tx: "\(remote)#\(seq)", [
            "seq": .int(seq), "fields": .array(fields), "created": .bool(created),
            "comments": .int(Int64(comments)), "attachments": .int(Int64(attachments)),
        ])
    }

    /// The peer's answer to one of our replicas.
    func recordAcked(connection: String, entity: String, remote: String?, seq: Int64, failure: String?) throws {
        var detail: [String: JSON] = ["seq": .int(seq), "outcome": .string(failure == nil ? "applied" : "failed")]
        if let failure { detail["reason"] = .string(failure) }
        try recordHistory(.acked, connection: connection, entity: entity, remote: remote, tx: "\(entity)#\(seq)", detail)
    }

    /// The top-level members whose values differ between two replicas, sorted.
    static func changedMembers(from old: JSON?, to new: JSON) -> [String] {
        let before = old?.objectValue ?? [:]
        let after = new.objectValue ?? [:]
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}
