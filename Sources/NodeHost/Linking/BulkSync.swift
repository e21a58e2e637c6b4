import TandemHTTP
import TandemJSON

/// `tandem sync --query Q`: queues every matching entity like a manual sync,
/// and reports how far each has got.
///
/// Decision: entities that were unsynced (`tandem unsync`) are skipped and
/// listed, not re-linked: a broad query should not undo an explicit unsync;
/// `tandem sync KEY` re-links one on purpose.
struct BulkSync {
    /// The most entities one bulk sync takes; the connector pages up to it.
    static let limit = 10_000
    let context: ConnectionContext

    /// Searches with a null cursor and `query`, and queues what it found.
    ///
    /// - Returns: {entities: [{id, key}], skipped: [{id, key, reason}]}.
    func queue(query: String) throws -> JSON {
        let refs: [JSON]
        do {
            refs = try context.instance.call("search", [
                "query": .string(query), "cursor": .null, "limit": .int(Int64(Self.limit)),
            ]).json["refs"]?.arrayValue ?? []
        } catch where error.kind == .invalid {
            throw Linker.failure(400, "the tracker refused the query '\(query)': \(error); check its syntax for \(context.instance.plugin.id)")
        } catch {
            throw Linker.failure(502, "cannot search the tracker of connection '\(context.name)': \(error); check `tandem status` and try again")
        }
        var seen: Set<String> = []
        let (queued, skipped): ([JSON], [JSON]) = try context.store.write { tx in
            var queued: [JSON] = [], skipped: [JSON] = []
            for ref in refs {
                guard let id = ref["id"]?.stringValue, seen.insert(id).inserted else { continue }
                let key = ref["key"]?.stringValue
                let entry: JSON = ["id": .string(id), "key": key.map(JSON.string) ?? .string(id)]
                if try tx.twin(connection: context.name, localID: id)?.status == .unsynced {
                    var skip = entry
                    skip["reason"] = .string("unsynced; `tandem sync \(key ?? id) --connection \(context.name)` re-links it")
                    skipped.append(skip)
                    continue
                }
                try tx.notePending(connection: context.name, localID: id, localKey: key, source: "manual")
                queued.append(entry)
            }
            return (queued, skipped)
        }
        context.work.signal()
        return ["entities": .array(queued), "skipped": .array(skipped)]
    }

    /// Where each of `ids` stands: `synced` (twinned, nothing left to send),
    /// `parked` (with the reason, here or at the peer), `out of scope` (the
    /// trigger query does not match it: never sent) or `pending`.
    func progress(ids: [String]) throws -> JSON {
        let entries: [JSON] = try context.store.read { tx in
            try ids.map { id in
                let twin = try tx.twin(connection: context.name, localID: id)
                var entry: [String: JSON] = ["id": .string(id), "key": .string(twin?.localKey ?? id)]
                if let reason = try tx.openParkedReason(connection: context.name, lane: "out:" + id) {
                    entry["state"] = "parked"
                    entry["reason"] = .string(reason)
                } else if twin?.remoteID == nil, let decision = try tx.scopeDecision(connection: context.name, localID: id),
                          !decision.matches, try !tx.hasPending(connection: context.name, localID: id) {
                    entry["state"] = "out of scope"
                    entry["reason"] = .string("does not match trigger.query '\(context.config.trigger.query)', so it is not sent")
                } else if let remote = twin?.remoteStatus, remote.hasPrefix("failed") {
                    entry["state"] = "parked"
                    entry["reason"] = .string("at the peer: " + remote.dropFirst("failed".count).drop { $0 == ":" || $0 == " " })
                } else if let twin, twin.status == .active, twin.remoteID != nil,
                          try !tx.hasPending(connection: context.name, localID: id),
                          try !tx.hasOutgoingReplica(connection: context.name, localID: id) {
                    entry["state"] = "synced"
                } else {
                    entry["state"] = "pending"
                }
                return .object(entry)
            }
        }
        return ["entities": .array(entries)]
    }
}
