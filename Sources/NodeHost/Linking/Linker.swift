import TandemHTTP
import TandemJSON

/// The node's side of `tandem connect`, `tandem unsync` and the re-link of
/// `tandem sync KEY`: checks what the operator asked, records it, and queues
/// the `link`/`unlink` message for the peer (see `LinkStage`).
///
/// Failures are thrown as `HTTPResponseError` with a message that says what
/// to do next; the admin API answers them as they are.
struct Linker {
    let context: ConnectionContext
    let instance: PluginInstance
    /// The instance's name in the configuration, for messages.
    let instanceName: String

    /// Starts linking local entity `localKey` with the peer's `remoteKey`.
    ///
    /// - Returns: the request ({id, key, seq}) to poll with `state(localID:seq:)`.
    func connect(localKey: String, remoteKey: String) throws -> JSON {
        let entity = try resolve(localKey)
        guard let id = entity["id"]?.stringValue else { throw Self.failure(502, "the tracker answered \(localKey) without an id") }
        let key = entity["key"]?.stringValue ?? localKey
        let seq: Int64 = try context.store.write { tx in
            let existing = try tx.twin(connection: context.name, localID: id)
            if let problem = LinkRules.whyNotLinkable(existing, label: key) {
                throw Self.failure(409, problem + "; `tandem unsync \(key) --connection \(context.name)` first to link it elsewhere")
            }
            if let other = try tx.twin(connection: context.name, remoteKey: remoteKey), other.localID != id {
                throw Self.failure(409, "\(remoteKey) is already twinned with \(other.localKey ?? other.localID); `tandem unsync \(other.localKey ?? other.localID) --connection \(context.name)` first")
            }
            return try startLink(tx, existing: existing, id: id, entity: entity, remoteKey: remoteKey)
        }
        context.sendSignal.signal()
        return ["id": .string(id), "key": .string(key), "seq": .int(seq), "remoteKey": .string(remoteKey)]
    }

    /// Re-links an unsynced entity with the peer entity it was twinned with,
    /// as `tandem sync KEY` does; `relinked: false` when it is not unsynced.
    func relink(key: String) throws -> JSON {
        let entity = try resolve(key)
        guard let id = entity["id"]?.stringValue else { throw Self.failure(502, "the tracker answered \(key) without an id") }
        let seq: Int64? = try context.store.write { tx in
            guard let twin = try tx.twin(connection: context.name, localID: id), twin.status == .unsynced else { return nil }
            guard let remoteKey = twin.remoteKey else {
                throw Self.failure(409, "\(key) is unsynced and its peer entity's key is unknown; link it with `tandem connect \(key) REMOTEKEY --connection \(context.name)`")
            }
            if let other = try tx.twin(connection: context.name, remoteKey: remoteKey), other.localID != id {
                throw Self.failure(409, "\(key) was twinned with \(remoteKey), which is now twinned with \(other.localKey ?? other.localID); link it elsewhere with `tandem connect`")
            }
            return try startLink(tx, existing: twin, id: id, entity: entity, remoteKey: remoteKey)
        }
        guard let seq else { return ["relinked": false, "id": .string(id)] }
        context.sendSignal.signal()
        let remoteKey = try context.store.read { try $0.twin(connection: context.name, localID: id)?.remoteKey }
        return ["relinked": true, "id": .string(id), "key": .string(entity["key"]?.stringValue ?? key), "seq": .int(seq),
                "remoteKey": remoteKey.map(JSON.string) ?? .null]
    }

    /// Unsyncs the entity `key`: nothing of it is sent any more, and the peer is told.
    func unsync(key: String) throws -> JSON {
        let id: String
        if let twin = try context.store.read({ try $0.twin(connection: context.name, key: key) }) {
            id = twin.localID
        } else {
            guard let found = try resolve(key)["id"]?.stringValue else { throw Self.failure(502, "the tracker answered \(key) without an id") }
            id = found
        }
        let (seq, remoteKey): (Int64, String?) = try context.store.write { tx in
            guard let twin = try tx.twin(connection: context.name, localID: id) else {
                throw Self.failure(409, "\(key) is not synced on connection '\(context.name)'; nothing to unsync")
            }
            switch twin.status {
            case .unsynced:
                throw Self.failure(409, "\(key) is unsynced already; `tandem sync \(key) --connection \(context.name)` re-links it")
            case .linking:
                throw Self.failure(409, "\(key) is being linked (waiting for the peer's answer); unsync it once `tandem connect` has finished")
            default:
                break
            }
            guard twin.remoteID != nil else {
                throw Self.failure(409, "\(key) has no twin at the peer yet (its first sync is on its way); try again once it has synced")
            }
            try tx.save(LinkRules.unsynced(twin, why: "unsynced here"))
            let seq = try tx.nextLinkSeq(connection: context.name, localID: id)
            try tx.saveLinkRequest(LinkRequest(connection: context.name, localID: id, seq: seq, action: .unlink,
                                               localKey: twin.localKey ?? key, remoteKey: twin.remoteKey))
            try tx.enqueueOutbox(connection: context.name, .unlink(UnlinkMessage(
                lane: id, seq: seq, source: EntityRef(id: id, key: twin.localKey ?? key))))
            return (seq, twin.remoteKey)
        }
        context.sendSignal.signal()
        return ["id": .string(id), "key": .string(key), "seq": .int(seq), "remoteKey": remoteKey.map(JSON.string) ?? .null]
    }

    /// The state of a link or unlink request: waiting, linked, refused or unlinked.
    func state(localID: String, seq: Int64) throws -> JSON {
        guard let request = try context.store.read({ try $0.linkRequest(connection: context.name, localID: localID, seq: seq) }) else {
            throw Self.failure(404, "no link request \(seq) for entity \(localID) on connection '\(context.name)'")
        }
        let twin = try context.store.read { try $0.twin(connection: context.name, localID: localID) }
        return [
            "action": .string(request.action.rawValue), "state": .string(request.state.rawValue),
            "reason": request.reason.map(JSON.string) ?? .null,
            "localKey": request.localKey.map(JSON.string) ?? .null,
            "remoteKey": (twin?.remoteKey ?? request.remoteKey).map(JSON.string) ?? .null,
            "remoteURL": twin?.remoteURL.map(JSON.string) ?? .null,
        ]
    }

    // MARK: - Helpers

    /// Marks the twin `linking` and queues the `link` message; in the caller's transaction.
    private func startLink(_ tx: StoreTransaction, existing: Twin?, id: String, entity: JSON, remoteKey: String) throws -> Int64 {
        var twin = existing ?? Twin(connection: context.name, localID: id)
        let request = LinkRequest(connection: context.name, localID: id, seq: try tx.nextLinkSeq(connection: context.name, localID: id),
                                  action: .link, localKey: entity["key"]?.stringValue ?? twin.localKey, remoteKey: remoteKey,
                                  previousStatus: existing?.status, previousRemoteKey: existing?.remoteKey)
        twin.localKey = entity["key"]?.stringValue ?? twin.localKey
        twin.localURL = entity["url"]?.stringValue ?? twin.localURL
        twin.remoteKey = remoteKey
        twin.remoteID = nil
        twin.status = .linking
        try tx.save(twin)
        try tx.saveLinkRequest(request)
        try tx.enqueueOutbox(connection: context.name, .link(LinkMessage(
            lane: id, seq: request.seq, source: EntityRef(id: id, key: entity["key"]?.stringValue, url: entity["url"]?.stringValue),
            remoteKey: remoteKey, lastSeq: twin.nextSeq - 1)))
        return request.seq
    }

    /// The local entity with key `key`, read from the tracker.
    private func resolve(_ key: String) throws -> JSON {
        do {
            return try instance.call("get", ["key": .string(key)]).json
        } catch where error.kind == .notFound {
            throw Self.failure(404, "\(key) does not exist in the tracker of connection '\(context.name)' (instance \(instanceName)); check the key")
        } catch {
            throw Self.failure(502, "cannot read \(key) from the tracker: \(error); check `tandem status` and try again")
        }
    }

    static func failure(_ status: Int, _ reason: String) -> HTTPResponseError {
        HTTPResponseError(.error(status, reason))
    }
}
