import TandemJSON

/// `link`: "twin my entity `source` with your entity `remoteKey`" (`tandem connect`).
///
///     {kind: "link", lane: <source id>, seq, source: EntityRef, remoteKey, lastSeq}
///
/// `lastSeq` is the highest replica seq the source entity has used: the
/// receiving twin starts from it, so an entity linked anew never has its
/// next replica taken for a duplicate of an older link's.
struct LinkMessage: Sendable, Equatable {
    var lane: String
    var seq: Int64
    var source: EntityRef
    var remoteKey: String
    var lastSeq: Int64

    var json: JSON {
        ["kind": .string(MessageKind.link.rawValue), "lane": .string(lane), "seq": .int(seq), "source": source.json,
         "remoteKey": .string(remoteKey), "lastSeq": .int(lastSeq)]
    }
}

extension LinkMessage {
    init(decoding json: JSON) throws(ProtocolError) {
        lane = try json.requiredString("lane", in: "link")
        seq = try json.requiredInt("seq", in: "link")
        source = try EntityRef(decoding: json["source"], at: "link.source")
        remoteKey = try json.requiredString("remoteKey", in: "link")
        lastSeq = try json.optionalInt("lastSeq", in: "link") ?? 0
    }
}

/// `unlink`: "stop syncing my entity `source`" (`tandem unsync`).
///
///     {kind: "unlink", lane: <source id>, seq, source: EntityRef}
struct UnlinkMessage: Sendable, Equatable {
    var lane: String
    var seq: Int64
    var source: EntityRef

    var json: JSON {
        ["kind": .string(MessageKind.unlink.rawValue), "lane": .string(lane), "seq": .int(seq), "source": source.json]
    }
}

extension UnlinkMessage {
    init(decoding json: JSON) throws(ProtocolError) {
        lane = try json.requiredString("lane", in: "unlink")
        seq = try json.requiredInt("seq", in: "unlink")
        source = try EntityRef(decoding: json["source"], at: "unlink.source")
    }
}

/// `link-ack`: the answer to a `link` or `unlink`.
///
///     {kind: "link-ack", lane: <the asker's entity id>, seq, outcome: linked|refused|unlinked,
///      reason?, local?: EntityRef, lastSeq?}
struct LinkAckMessage: Sendable, Equatable {
    enum Outcome: String, Sendable { case linked, refused, unlinked }

    var lane: String
    var seq: Int64
    var outcome: Outcome
    var reason: String?
    /// The answering node's entity, when linked.
    var local: EntityRef?
    var lastSeq: Int64?

    var json: JSON {
        var object: [String: JSON] = ["kind": .string(MessageKind.linkAck.rawValue), "lane": .string(lane), "seq": .int(seq),
                                      "outcome": .string(outcome.rawValue)]
        if let reason { object["reason"] = .string(reason) }
        if let local { object["local"] = local.json }
        if let lastSeq { object["lastSeq"] = .int(lastSeq) }
        return .object(object)
    }
}

extension LinkAckMessage {
    init(decoding json: JSON) throws(ProtocolError) {
        lane = try json.requiredString("lane", in: "link-ack")
        seq = try json.requiredInt("seq", in: "link-ack")
        let outcome = try json.requiredString("outcome", in: "link-ack")
        guard let known = Outcome(rawValue: outcome) else { throw .unknownValue("link-ack.outcome", outcome) }
        self.outcome = known
        reason = try json.optionalString("reason", in: "link-ack")
        if let local = json["local"], local != .null { self.local = try EntityRef(decoding: local, at: "link-ack.local") }
        lastSeq = try json.optionalInt("lastSeq", in: "link-ack")
    }
}
