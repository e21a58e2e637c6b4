import TandemJSON
import TandemSQL
import TandemTime

/// An apply of a peer replica under way on one local entity (table
/// `apply_intents`): the fields about to be written and their values before.
///
/// Tracker writes cannot join the store's transaction, so a crash, or a
/// transient failure after the update but before the final commit, leaves
/// the entity holding the peer's values with nothing recorded. The intent,
/// committed before the first write and removed by the final commit, lets
/// the node tell those values from local edits:
///   - the outgoing stage waits while one is open, so a half-applied replica
///     is never sent back as a change of ours;
///   - the retried apply takes a field still holding the written value as
///     agreed (ConflictBase), not as a local edit;
///   - the check for changes not yet sent looks at the values from before.
struct ApplyIntent: Sendable, Equatable {
    var localID: String
    var seq: Int64
    /// Field → value written (the incoming script's terms).
    var written: [String: JSON]
    /// Field → the local value before the write.
    var before: [String: JSON]

    /// `entity` with the written fields that still hold the written value,
    /// or a step towards it (`stepsUnderWay`), put back to their value
    /// before the apply.
    func undone(_ entity: JSON) -> JSON {
        guard var fields = entity["fields"]?.objectValue else { return entity }
        let steps = stepsUnderWay(in: entity)
        for (name, value) in written where ConflictResolver.looselyEqual(value, fields[name] ?? .null) || steps.contains(name) {
            fields[name] = before[name] ?? .null
        }
        var result = entity
        result["fields"] = .object(fields)
        return result
    }

    /// The written fields where `entity`, read again with `get` `authors`,
    /// shows the write still under way: a value neither written nor from
    /// before, which the connector reports its own account changed last
    /// (`changedByConnector`). A connector that writes in steps leaves such
    /// a value when cut between two of them (Jira walks a workflow one
    /// transition at a time); the retry writes on from there. Nobody else
    /// wrote the field, so it is no local edit.
    func stepsUnderWay(in entity: JSON?) -> Set<String> {
        let own = Set(entity?["changedByConnector"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        guard !own.isEmpty else { return [] }
        let current = entity?["fields"]?.objectValue ?? [:]
        return Set(written.keys.filter { name in
            let now = current[name] ?? .null
            return own.contains(name) && !ConflictResolver.looselyEqual(written[name] ?? .null, now)
                && !ConflictResolver.looselyEqual(before[name] ?? .null, now)
        })
    }
}

extension StoreTransaction {
    func saveApplyIntent(connection: String, _ intent: ApplyIntent, now: Int64 = Timestamp.now()) throws {
        try run("""
            INSERT OR REPLACE INTO apply_intents (connection, local_id, seq, written, before, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(connection), .text(intent.localID), .integer(intent.seq), .json(.object(intent.written)),
                  .json(.object(intent.before)), .integer(now)])
    }

    func applyIntent(connection: String, localID: String) throws -> ApplyIntent? {
        try query("SELECT seq, written, before FROM apply_intents WHERE connection = ? AND local_id = ?",
                  [.text(connection), .text(localID)]) { row in
            ApplyIntent(localID: localID, seq: row.int64(0), written: try row.json(1)?.objectValue ?? [:],
                        before: try row.json(2)?.objectValue ?? [:])
        }.first
    }

    func deleteApplyIntent(connection: String, localID: String) throws {
        try run("DELETE FROM apply_intents WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)])
    }
}
