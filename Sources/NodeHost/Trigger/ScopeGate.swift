import TandemJSON
import TandemDigest
import TandemTime

/// Whether an entity may be sent on a connection: it must match the
/// connection's `trigger.query`, whatever announced it (webhook, poll,
/// `tandem sync`).
///
/// Cost: a linked entity is not checked (it keeps syncing until `tandem
/// unsync`) unless `trigger.strict`; an entity a poll announced, or a `tandem
/// sync --query` of the trigger query itself (source `query`), matched the
/// query in that search. Otherwise the tracker is asked (`match`, else a
/// `search` of the whole query) and the answer is cached with a fingerprint
/// of the query and the entity's fields, so the same state is never asked
/// about twice (`tandem sync KEY` asks afresh).
///
/// The check also keeps the webhooks of one connection's scope from being
/// sent by another connection of the same instance.
struct ScopeGate {
    /// The most refs the `search` fallback reads when a plugin has no `match`.
    static let searchFallbackLimit = 10_000
    let context: ConnectionContext
    let instance: PluginInstance
    let trigger: NodeConfig.Trigger

    /// Why `entity` must not be sent; nil when it may.
    ///
    /// - Parameters:
    ///   - source: what announced it (`poll`, `webhook`, `manual`, `query`).
    ///   - fresh: ask the tracker even when a cached answer fits (an
    ///     operator's `tandem sync KEY`).
    /// - Throws: `PluginCallError` from the tracker (transient ones are retried
    ///   by the caller), store errors.
    func refusal(for entity: JSON, localID: String, announcedBy source: String, fresh: Bool = false) throws -> String? {
        let label = entity["key"]?.stringValue ?? localID
        let (twin, cached) = try context.store.read { tx in
            (try tx.twinLink(connection: context.name, localID: localID), try tx.scopeDecision(connection: context.name, localID: localID))
        }
        // Sent once (even if the peer has not acknowledged yet), linked, or
        // being linked: the entity is the connection's, and only strict
        // mode asks again.
        let linked = twin.map { $0.remoteID != nil || $0.lastSentHash != nil || $0.status == .linking } ?? false
        if linked && !trigger.strict { return nil }
        let searched = source == "poll" || source == "query"  // the search that announced it used the query
        if searched && cached == nil && !linked {
            // About to be sent, and once sent never asked about again: an
            // answer kept for later would cost a commit and never be read.
            context.metrics.increment("tandem_scope_checks_total", ["connection": context.name, "result": "in", "by": source])
            return nil
        }
        let query = trigger.query
        // The query is part of the fingerprint: an operator who changes it
        // gets fresh answers, not the old query's.
        let fingerprint = Digest.hex(Digest.sha256(Array(query.utf8) + [0] + (entity["fields"] ?? .null).serialized()))
        func record(_ matches: Bool, by: String) throws {
            try context.store.write { tx in
                try tx.saveScopeDecision(connection: context.name, localID: localID,
                                         ScopeDecision(matches: matches, fingerprint: fingerprint, decidedAt: Timestamp.now()))
            }
            context.metrics.increment("tandem_scope_checks_total", ["connection": context.name, "result": matches ? "in" : "out", "by": by])
        }
        let matches: Bool
        if searched {
            matches = true
            if cached?.fingerprint != fingerprint || cached?.matches != true { try record(true, by: source) }
        } else if !fresh, let cached, cached.fingerprint == fingerprint {
            matches = cached.matches
        } else {
            matches = try ask(localID)
            try record(matches, by: "tracker")
        }
        if matches { return nil }
        if linked {
            return "\(label) no longer matches trigger.query '\(query)' of connection '\(context.name)' (trigger.strict); it is sent again once it matches"
        }
        return "\(label) does not match trigger.query '\(query)' of connection '\(context.name)', so it is not sent; change it to match, or widen the query"
    }

    /// Asks the tracker whether entity `localID` matches the trigger query.
    private func ask(_ localID: String) throws(PluginCallError) -> Bool {
        let query = JSON.string(trigger.query)
        if let output = try instance.callIfDeclared("match", ["query": query, "id": .string(localID)]) {
            guard let matches = output.json["matches"]?.boolValue else {
                throw PluginCallError(.internal, "match answered without a boolean \"matches\"")
            }
            return matches
        }
        let refs = try instance.call("search", [
            "query": query, "cursor": .null, "limit": .int(Int64(Self.searchFallbackLimit)),
        ]).json["refs"]?.arrayValue ?? []
        return refs.contains { $0["id"]?.stringValue == localID }
    }
}
