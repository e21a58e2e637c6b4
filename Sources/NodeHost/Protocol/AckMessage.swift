import TandemJSON

/// `ack`: what became of one replica on the receiving node.
///
///     {kind: "ack", lane: <the replica's source id>, seq: <the replica's seq>,
///      outcome: "applied", local: EntityRef}
///     {kind: "ack", lane, seq, outcome: "failed", reason}
///
/// Sent in the transaction that applied (or parked) the replica, so each
/// replica is answered once.
struct AckMessage: Sendable, Equatable {
    enum Outcome: Sendable, Equatable {
        /// Applied to the receiver's entity `local`.
        case applied(local: EntityRef)
        /// Parked on the receiver with `reason`.
        case failed(reason: String)
    }

    /// The sender's entity the acknowledged replica was about.
    var lane: String
    var seq: Int64
    var outcome: Outcome

    /// The ack's place in its inbox lane: a failure and a later success for
    /// the same replica are distinct messages, the failure ordered first.
    var inboxSeq: Int64 {
        if case .applied = outcome { return seq * 2 + 1 }
        return seq * 2
    }

    var json: JSON {
        var object: [String: JSON] = ["kind": .string(MessageKind.ack.rawValue), "lane": .string(lane), "seq": .int(seq)]
        switch outcome {
        case .applied(let local):
            object["outcome"] = "applied"
            object["local"] = local.json
        case .failed(let reason):
            object["outcome"] = "failed"
            object["reason"] = .string(reason)
        }
        return .object(object)
    }
}

extension AckMessage {
    init(decoding json: JSON) throws(ProtocolError) {
        lane = try json.requiredString("lane", in: "ack")
        seq = try json.requiredInt("seq", in: "ack")
        switch try json.requiredString("outcome", in: "ack") {
        case "applied": outcome = .applied(local: try EntityRef(decoding: json["local"], at: "ack.local"))
        case "failed": outcome = .failed(reason: try json.optionalString("reason", in: "ack") ?? "no reason given")
        case let other: throw .unknownValue("ack.outcome", other)
        }
    }
}
