import TandemJSON

/// Answers and records the peer messages that twin and untwin existing
/// entities: `link`, `unlink` and `link-ack` (see Protocol/LinkMessages.swift).
///
/// A `link` makes this node resolve `remoteKey` with its connector and record
/// the reverse twin, without creating anything; it is answered `linked` or
/// `refused` with a reason. An `unlink` marks the twin `unsynced` (nothing
/// of it is sent any more) and is answered `unlinked`. Every answer leaves in
/// the transaction that removes the inbox row, so each is sent once.
struct LinkStage {
    let context: ConnectionContext
    let instance: PluginInstance
    /// How refusals name this node to the peer's operator.
    let nodeName: String
    let failures: FailurePolicy

    func process(_ queued: QueuedMessage, _ message: PeerMessage) -> StageOutcome {
        switch message {
        case .link(let request): return answer(queued, request)
        case .unlink(let request): return unlink(queued, request)
        case .linkAck(let reply): return record(queued, reply)
        case .replica, .ack: return .skipped("not a link message")
        }
    }

    // MARK: - link (this node is asked)

    private func answer(_ queued: QueuedMessage, _ link: LinkMessage) -> StageOutcome {
        let key = link.remoteKey
        let sourceLabel = link.source.label
        let entity: JSON
        do {
            entity = try instance.call("get", ["key": .string(key)]).json
        } catch where error.kind == .notFound {
            return refuse(queued, link, "\(key) does not exist in the tracker of connection '\(context.name)' on node \(nodeName)")
        } catch where error.isTransient {
            return failures.retry(queued, error.description, retryAfterMs: error.retryAfterMs)
        } catch {
            return refuse(queued, link, "node \(nodeName) cannot read \(key): \(error)")
        }
        guard let id = entity["id"]?.stringValue else {
            return refuse(queued, link, "the tracker answered \(key) without an id")
        }
        do {
            return try context.store.write { tx -> StageOutcome in
                let existing = try tx.twin(connection: context.name, localID: id)
                if let existing, existing.status == .active, existing.remoteID == link.lane {
                    try answer(tx, queued, link, linked: existing)  // asked again: the same answer
                    return .skipped("\(key) was already linked with \(sourceLabel)")
                }
                if let problem = LinkRules.whyNotLinkable(existing, label: key) {
                    try refuse(tx, queued, link, problem + " on node \(nodeName)")
                    return .done("refused to link \(key) with \(sourceLabel): \(problem)")
                }
                if let holder = try tx.twinHolding(connection: context.name, remoteID: link.lane, except: id) {
                    guard holder.status == .unsynced else {
                        let reason = "\(sourceLabel) is already twinned with \(holder.localKey ?? holder.localID) on node \(nodeName)"
                        try refuse(tx, queued, link, reason)
                        return .done("refused to link \(key) with \(sourceLabel): \(reason)")
                    }
                    var freed = holder
                    freed.remoteID = nil
                    try tx.save(freed)
                }
                var twin = LinkRules.linked(existing ?? Twin(connection: context.name, localID: id), to: link.source,
                                            lastSeq: link.lastSeq)
                twin.localKey = entity["key"]?.stringValue ?? key
                twin.localURL = entity["url"]?.stringValue ?? twin.localURL
                try tx.save(twin)
                try answer(tx, queued, link, linked: twin)
                return .done("linked \(key) with \(sourceLabel) of the peer")
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
    }

    private func answer(_ tx: StoreTransaction, _ queued: QueuedMessage, _ link: LinkMessage, linked twin: Twin) throws {
        try tx.deleteInbox(id: queued.id)
        try send(tx, LinkAckMessage(lane: link.lane, seq: link.seq, outcome: .linked,
                                    local: EntityRef(id: twin.localID, key: twin.localKey, url: twin.localURL),
                                    lastSeq: twin.nextSeq - 1))
    }

    private func refuse(_ queued: QueuedMessage, _ link: LinkMessage, _ reason: String) -> StageOutcome {
        do {
            try context.store.write { try refuse($0, queued, link, reason) }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
        return .done("refused a link: \(reason)")
    }

    private func refuse(_ tx: StoreTransaction, _ queued: QueuedMessage, _ link: LinkMessage, _ reason: String) throws {
        try tx.deleteInbox(id: queued.id)
        try send(tx, LinkAckMessage(lane: link.lane, seq: link.seq, outcome: .refused, reason: reason))
    }

    // MARK: - unlink (this node is told)

    private func unlink(_ queued: QueuedMessage, _ unlink: UnlinkMessage) -> StageOutcome {
        do {
            return try context.store.write { tx -> StageOutcome in
                var detail = "no twin of \(unlink.source.label) to unlink"
                if var twin = try tx.twin(connection: context.name, remoteID: unlink.lane) {
                    twin = LinkRules.unsynced(twin, why: "unsynced by the peer")
                    try tx.save(twin)
                    detail = "unsynced \(twin.localKey ?? twin.localID) at the peer's request"
                }
                try tx.deleteInbox(id: queued.id)
                try send(tx, LinkAckMessage(lane: unlink.lane, seq: unlink.seq, outcome: .unlinked))
                return .done(detail)
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
    }

    // MARK: - link-ack (this node asked)

    private func record(_ queued: QueuedMessage, _ answer: LinkAckMessage) -> StageOutcome {
        do {
            return try context.store.write { tx -> StageOutcome in
                try tx.deleteInbox(id: queued.id)
                guard let request = try tx.linkRequest(connection: context.name, localID: answer.lane, seq: answer.seq),
                      request.state == .waiting else {
                    return .skipped("answer to an unknown or already answered link request")
                }
                var reason = answer.reason
                var state: LinkRequest.State = switch answer.outcome {
                case .linked: .linked
                case .refused: .refused
                case .unlinked: .unlinked
                }
                if request.action == .link {
                    if state == .linked {
                        reason = try link(tx, request, answer: answer)
                        if reason != nil { state = .refused }
                    }
                    if state != .linked { try restore(tx, request) }
                }
                try tx.answerLinkRequest(connection: context.name, localID: answer.lane, seq: answer.seq,
                                         state: state, reason: reason)
                let label = request.localKey ?? request.localID
                return .done("the peer answered \(request.action.rawValue) of \(label): \(state.rawValue)\(reason.map { " (\($0))" } ?? "")")
            }
        } catch {
            return failures.retry(queued, "store: \(error)")
        }
    }

    /// Records the peer's entity on the twin; a reason when that is impossible.
    private func link(_ tx: StoreTransaction, _ request: LinkRequest, answer: LinkAckMessage) throws -> String? {
        guard var twin = try tx.twin(connection: context.name, localID: request.localID), twin.status == .linking else {
            return "\(request.localKey ?? request.localID) changed while the peer answered; connect it again"
        }
        guard let peer = answer.local else { return "the peer answered without its entity's id" }
        if let holder = try tx.twinHolding(connection: context.name, remoteID: peer.id, except: twin.localID) {
            guard holder.status == .unsynced else {
                return "the peer's entity is already twinned with \(holder.localKey ?? holder.localID) here"
            }
            var freed = holder
            freed.remoteID = nil
            try tx.save(freed)
        }
        twin = LinkRules.linked(twin, to: peer, lastSeq: answer.lastSeq ?? 0)
        try tx.save(twin)
        // A change noticed while linking waited (OutgoingStage); it goes now, as an update.
        try tx.wakePending(connection: context.name, localID: twin.localID)
        context.work.signal()
        return nil
    }

    /// Puts the twin back as it was before the refused link.
    private func restore(_ tx: StoreTransaction, _ request: LinkRequest) throws {
        guard var twin = try tx.twin(connection: context.name, localID: request.localID), twin.status == .linking else { return }
        guard let previous = request.previousStatus else {
            try tx.deleteTwin(connection: context.name, localID: request.localID)
            return
        }
        twin.status = previous
        twin.remoteKey = request.previousRemoteKey
        try tx.save(twin)
    }

    private func send(_ tx: StoreTransaction, _ answer: LinkAckMessage) throws {
        try tx.enqueueOutbox(connection: context.name, .linkAck(answer))
        context.sendSignal.signal()
    }
}
