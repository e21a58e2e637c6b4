import TandemJSON

/// The peer messages that twin and untwin existing entities (issue 7 item 6):
///
///     link      {lane: sender's entity id, seq, source: {id,key,url}, remoteKey, lastSeq}
///     unlink    {lane: sender's entity id, seq, source: {id,key}}
///     link-ack  {lane: the asker's entity id, seq, outcome: linked|refused|unlinked,
///                reason?, local: {id,key,url}?, lastSeq?}
///
/// A `link` makes this node resolve `remoteKey` with its connector and record
/// the reverse twin, without creating anything; it is answered `linked` or
/// `refused` with a reason. An `unlink` marks the twin `unsynced` (nothing
/// of it is sent any more) and is answered `unlinked`. Every answer leaves in
/// the transaction that removes the inbox row, so each is sent once.
///
/// `lastSeq` is the highest replica seq the sender's entity has used: the
/// receiving twin starts from it, so an entity linked anew never has its
/// next replica taken for a duplicate of an older link's.
struct LinkStage {
    let context: ConnectionContext

    /// The inbox key of a link message: the lane named by its `lane` member.
    static func identity(of message: JSON, kind: QueuedMessage.Kind) -> (QueuedMessage.Kind, String, Int64)? {
        guard let lane = message["lane"]?.stringValue, let seq = message["seq"]?.intValue else { return nil }
        return (kind, lane, Int64(seq))
    }

    /// Links and unlinks share the lane of the sender's replicas ("in:"),
    /// so they apply in between them, never during one; answers share the
    /// local entity's lane.
    static func laneKeys(_ message: QueuedMessage) -> [String] {
        message.kind == .linkAck ? ["ack:" + message.lane, "entity:" + message.lane] : ["in:" + message.lane]
    }

    func process(_ message: QueuedMessage) -> StageOutcome {
        switch message.kind {
        case .link: return answerLink(message)
        case .unlink: return unlink(message)
        case .linkAck: return recordAnswer(message)
        case .replica, .ack: return .skipped("not a link message")
        }
    }

    // MARK: - link (this node is asked)

    private func answerLink(_ message: QueuedMessage) -> StageOutcome {
        let key = message.body["remoteKey"]?.stringValue ?? ""
        let source = message.body["source"] ?? .object([:])
        let sourceLabel = source["key"]?.stringValue ?? message.lane
        let entity: JSON
        do {
            entity = try context.instance.call("get", ["key": .string(key)]).json
        } catch where error.kind == .notFound {
            return refuse(message, "\(key) does not exist in the tracker of connection '\(context.name)' on node \(context.nodeName)")
        } catch where error.isTransient {
            return retry(message, error.description, retryAfterMs: error.retryAfterMs)
        } catch {
            return refuse(message, "node \(context.nodeName) cannot read \(key): \(error)")
        }
        guard let id = entity["id"]?.stringValue else {
            return refuse(message, "the tracker answered \(key) without an id")
        }
        do {
            return try context.store.write { tx -> StageOutcome in
                let existing = try tx.twin(connection: context.name, localID: id)
                if let existing, existing.status == "active", existing.remoteID == message.lane {
                    try answer(tx, message, linked: existing)  // asked again: the same answer
                    return .skipped("\(key) was already linked with \(sourceLabel)")
                }
                if let problem = LinkRules.whyNotLinkable(existing, label: key) {
                    try refuse(tx, message, problem + " on node \(context.nodeName)")
                    return .done("refused to link \(key) with \(sourceLabel): \(problem)")
                }
                if let holder = try tx.twinHolding(connection: context.name, remoteID: message.lane, except: id) {
                    guard holder.status == "unsynced" else {
                        let reason = "\(sourceLabel) is already twinned with \(holder.localKey ?? holder.localID) on node \(context.nodeName)"
                        try refuse(tx, message, reason)
                        return .done("refused to link \(key) with \(sourceLabel): \(reason)")
                    }
                    var freed = holder
                    freed.remoteID = nil
                    try tx.save(freed)
                }
                var twin = LinkRules.linked(existing ?? Twin(connection: context.name, localID: id), to: source,
                                            lastSeq: Int64(message.body["lastSeq"]?.intValue ?? 0))
                twin.localKey = entity["key"]?.stringValue ?? key
                twin.localURL = entity["url"]?.stringValue ?? twin.localURL
                try tx.save(twin)
                try answer(tx, message, linked: twin)
                return .done("linked \(key) with \(sourceLabel) of the peer")
            }
        } catch {
            return retry(message, "store: \(error)")
        }
    }

    private func answer(_ tx: StoreTransaction, _ message: QueuedMessage, linked twin: Twin) throws {
        try tx.deleteInbox(id: message.id)
        try enqueueAnswer(tx, message, [
            "outcome": "linked", "lastSeq": .int(twin.nextSeq - 1),
            "local": ["id": .string(twin.localID), "key": twin.localKey.map(JSON.string) ?? .null,
                      "url": twin.localURL.map(JSON.string) ?? .null],
        ])
    }

    private func refuse(_ message: QueuedMessage, _ reason: String) -> StageOutcome {
        do {
            try context.store.write { try refuse($0, message, reason) }
        } catch {
            return retry(message, "store: \(error)")
        }
        return .done("refused a link: \(reason)")
    }

    private func refuse(_ tx: StoreTransaction, _ message: QueuedMessage, _ reason: String) throws {
        try tx.deleteInbox(id: message.id)
        try enqueueAnswer(tx, message, ["outcome": "refused", "reason": .string(reason)])
    }

    // MARK: - unlink (this node is told)

    private func unlink(_ message: QueuedMessage) -> StageOutcome {
        let label = message.body["source"]?["key"]?.stringValue ?? message.lane
        do {
            return try context.store.write { tx -> StageOutcome in
                var detail = "no twin of \(label) to unlink"
                if var twin = try tx.twin(connection: context.name, remoteID: message.lane) {
                    twin = LinkRules.unsynced(twin, why: "unsynced by the peer")
                    try tx.save(twin)
                    detail = "unsynced \(twin.localKey ?? twin.localID) at the peer's request"
                }
                try tx.deleteInbox(id: message.id)
                try enqueueAnswer(tx, message, ["outcome": "unlinked"])
                return .done(detail)
            }
        } catch {
            return retry(message, "store: \(error)")
        }
    }

    // MARK: - link-ack (this node asked)

    private func recordAnswer(_ message: QueuedMessage) -> StageOutcome {
        let outcome = message.body["outcome"]?.stringValue ?? "refused"
        do {
            return try context.store.write { tx -> StageOutcome in
                try tx.deleteInbox(id: message.id)
                guard let request = try tx.linkRequest(connection: context.name, localID: message.lane, seq: message.seq),
                      request.state == "waiting" else {
                    return .skipped("answer to an unknown or already answered link request")
                }
                var reason = message.body["reason"]?.stringValue
                var state = outcome
                if request.action == .link {
                    if outcome == "linked" {
                        reason = try link(tx, request, answer: message.body)
                        if reason != nil { state = "refused" }
                    }
                    if state != "linked" { try restore(tx, request) }
                }
                try tx.answerLinkRequest(connection: context.name, localID: message.lane, seq: message.seq,
                                         state: state, reason: reason)
                let label = request.localKey ?? request.localID
                return .done("the peer answered \(request.action.rawValue) of \(label): \(state)\(reason.map { " (\($0))" } ?? "")")
            }
        } catch {
            return retry(message, "store: \(error)")
        }
    }

    /// Records the peer's entity on the twin; a reason when that is impossible.
    private func link(_ tx: StoreTransaction, _ request: LinkRequest, answer: JSON) throws -> String? {
        guard var twin = try tx.twin(connection: context.name, localID: request.localID), twin.status == "linking" else {
            return "\(request.localKey ?? request.localID) changed while the peer answered; connect it again"
        }
        guard let remoteID = answer["local"]?["id"]?.stringValue else { return "the peer answered without its entity's id" }
        if let holder = try tx.twinHolding(connection: context.name, remoteID: remoteID, except: twin.localID) {
            guard holder.status == "unsynced" else {
                return "the peer's entity is already twinned with \(holder.localKey ?? holder.localID) here"
            }
            var freed = holder
            freed.remoteID = nil
            try tx.save(freed)
        }
        twin = LinkRules.linked(twin, to: answer["local"] ?? .object([:]), lastSeq: Int64(answer["lastSeq"]?.intValue ?? 0))
        try tx.save(twin)
        // A change noticed while linking waited (OutgoingStage); it goes now, as an update.
        try tx.wakePending(connection: context.name, localID: twin.localID)
        context.work.signal()
        return nil
    }

    /// Puts the twin back as it was before the refused link.
    private func restore(_ tx: StoreTransaction, _ request: LinkRequest) throws {
        guard var twin = try tx.twin(connection: context.name, localID: request.localID), twin.status == "linking" else { return }
        guard let previous = request.previousStatus else {
            try tx.deleteTwin(connection: context.name, localID: request.localID)
            return
        }
        twin.status = previous
        twin.remoteKey = request.previousRemoteKey
        try tx.save(twin)
    }

    // MARK: - Helpers

    private func enqueueAnswer(_ tx: StoreTransaction, _ message: QueuedMessage, _ members: [String: JSON]) throws {
        var body = members
        body["kind"] = .string(QueuedMessage.Kind.linkAck.rawValue)
        body["lane"] = .string(message.lane)
        body["seq"] = .int(message.seq)
        try tx.enqueueOutbox(connection: context.name, kind: .linkAck, lane: message.lane, seq: message.seq, body: .object(body))
        context.sendSignal.signal()
    }

    private func retry(_ message: QueuedMessage, _ reason: String, retryAfterMs: Int64? = nil) -> StageOutcome {
        let delay = context.backoff.delayMs(attempt: message.attempts, retryAfterMs: retryAfterMs)
        try? context.store.write { try $0.deferInbox(id: message.id, until: nowMs() + delay) }
        return .retry(reason: reason, delayMs: delay)
    }
}
