import TandemJSON

/// `replica`: the sender's entity as its outgoing script built it.
///
///     {kind: "replica", seq, replica, source: EntityRef, target?: EntityRef,
///      noticedAt?, sentAt?, appliedSeq?, previous?, conflicts?}
///
/// `seq` orders one entity's replicas (dense, never reused); `target` names
/// the receiver's twin once the sender knows it; `appliedSeq` is the newest
/// replica of the receiver's entity the sender had applied when it built
/// this one, so the receiver can tell what the sender knew of its fields;
/// `previous` is the replica the sender holds the receiver to have: the one
/// it sent last, or, when it applied the receiver's changes since, what its
/// script made of its entity then (the echo it did not send).
struct ReplicaMessage: Sendable, Equatable {
    var seq: Int64
    var replica: JSON
    var source: EntityRef
    var target: EntityRef?
    /// When the change was noticed on the sending node (ms since the epoch).
    var noticedAt: Int64?
    var sentAt: Int64?
    var appliedSeq: Int64 = 0
    var previous: JSON?
    var stance: ConflictStance?

    var json: JSON {
        var object: [String: JSON] = [
            "kind": .string(MessageKind.replica.rawValue), "seq": .int(seq), "replica": replica, "source": source.json,
            "appliedSeq": .int(appliedSeq),
        ]
        if let target { object["target"] = target.json }
        if let noticedAt { object["noticedAt"] = .int(noticedAt) }
        if let sentAt { object["sentAt"] = .int(sentAt) }
        if let previous { object["previous"] = previous }
        if let stance { object["conflicts"] = stance.json }
        return .object(object)
    }
}

extension ReplicaMessage {
    init(decoding json: JSON) throws(ProtocolError) {
        seq = try json.requiredInt("seq", in: "replica")
        guard let replica = json["replica"], replica.objectValue != nil else { throw .wrongType("replica.replica", expected: "an object") }
        self.replica = replica
        source = try EntityRef(decoding: json["source"], at: "replica.source")
        if let target = json["target"], target != .null { self.target = try EntityRef(decoding: target, at: "replica.target") }
        noticedAt = try json.optionalInt("noticedAt", in: "replica")
        sentAt = try json.optionalInt("sentAt", in: "replica")
        appliedSeq = try json.optionalInt("appliedSeq", in: "replica") ?? 0
        if let previous = json["previous"], previous != .null {
            guard previous.objectValue != nil else { throw .wrongType("replica.previous", expected: "an object") }
            self.previous = previous
        }
        if let stance = json["conflicts"], stance != .null { self.stance = try ConflictStance(decoding: stance, at: "replica.conflicts") }
    }
}
