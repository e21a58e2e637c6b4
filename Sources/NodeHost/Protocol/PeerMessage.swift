import TandemJSON

/// The kinds of message nodes exchange; the `kind` member of each.
enum MessageKind: String, Sendable, CaseIterable {
    case replica, ack, link, unlink, linkAck = "link-ack"
}

/// One message between two nodes of a connection, decoded.
///
/// The inbox key of a message is (connection, kind, lane, inboxSeq): a
/// message stored twice under it is the same message (invariant 3 of the
/// store). `lane` is the entity the message is about on the side that sent
/// it first: the replica's source, or the entity an answer refers to.
enum PeerMessage: Sendable, Equatable {
    case replica(ReplicaMessage)
    case ack(AckMessage)
    case link(LinkMessage)
    case unlink(UnlinkMessage)
    case linkAck(LinkAckMessage)

    init(decoding json: JSON) throws(ProtocolError) {
        guard json.objectValue != nil else { throw .wrongType("message", expected: "an object") }
        let kind = try json.requiredString("kind", in: "message")
        switch MessageKind(rawValue: kind) {
        case .replica: self = .replica(try ReplicaMessage(decoding: json))
        case .ack: self = .ack(try AckMessage(decoding: json))
        case .link: self = .link(try LinkMessage(decoding: json))
        case .unlink: self = .unlink(try UnlinkMessage(decoding: json))
        case .linkAck: self = .linkAck(try LinkAckMessage(decoding: json))
        case nil: throw .unknownKind(kind)
        }
    }

    var kind: MessageKind {
        switch self {
        case .replica: return .replica
        case .ack: return .ack
        case .link: return .link
        case .unlink: return .unlink
        case .linkAck: return .linkAck
        }
    }

    var lane: String {
        switch self {
        case .replica(let message): return message.source.id
        case .ack(let message): return message.lane
        case .link(let message): return message.lane
        case .unlink(let message): return message.lane
        case .linkAck(let message): return message.lane
        }
    }

    var inboxSeq: Int64 {
        switch self {
        case .replica(let message): return message.seq
        case .ack(let message): return message.inboxSeq
        case .link(let message): return message.seq
        case .unlink(let message): return message.seq
        case .linkAck(let message): return message.seq
        }
    }

    var json: JSON {
        switch self {
        case .replica(let message): return message.json
        case .ack(let message): return message.json
        case .link(let message): return message.json
        case .unlink(let message): return message.json
        case .linkAck(let message): return message.json
        }
    }

    /// The lane keys a worker holds while processing this message, so one
    /// entity is never worked on twice at once (see `LaneLocks`).
    ///
    /// - `in:<peer entity>` orders the peer's replicas, links and unlinks of
    ///   one entity; `entity:<local id>` excludes the outgoing stage and any
    ///   other work on the local twin; `ack:<local id>` orders answers.
    /// - Parameter localTwin: the local entity a replica is about, when a twin exists.
    func laneKeys(localTwin: String?) -> [String] {
        switch self {
        case .replica:
            return ["in:" + lane] + (localTwin.map { ["entity:" + $0] } ?? [])
        case .link, .unlink:
            return ["in:" + lane]
        case .ack, .linkAck:
            return ["ack:" + lane, "entity:" + lane]
        }
    }

    /// The id both nodes log and record in the history for one exchange
    /// (`MessageKind.transactionID`).
    var transactionID: String? {
        switch self {
        case .replica(let message): return kind.transactionID(lane: lane, seq: message.seq)
        case .ack(let message): return kind.transactionID(lane: lane, seq: message.seq)
        case .link(let message): return kind.transactionID(lane: lane, seq: message.seq)
        case .unlink(let message): return kind.transactionID(lane: lane, seq: message.seq)
        case .linkAck(let message): return kind.transactionID(lane: lane, seq: message.seq)
        }
    }
}

extension MessageKind {
    /// The id of one exchange, the same on both nodes: `<origin entity id>#<seq>`
    /// for a replica and its ack, `<asking entity id>#link<seq>` for a link or
    /// unlink and its link-ack (link seqs are counted apart from replica seqs).
    /// `seq` is the message's own seq, not its inbox seq.
    func transactionID(lane: String, seq: Int64) -> String {
        switch self {
        case .replica, .ack: return lane + "#" + String(seq)
        case .link, .unlink, .linkAck: return lane + "#link" + String(seq)
        }
    }
}
