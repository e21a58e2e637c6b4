import SyncScript
import TandemJSON
import TandemDigest

/// Runs a connection's outgoing script on one entity and returns the replica.
///
/// Bindings (docs/scripts.md): `issue`/`entity` read-only, `replica` a writable
/// map, `log`, `debug`. Pure apart from logging: the same entity and script
/// always give the same replica, which is what makes the hash comparison of
/// echo suppression sound.
struct ReplicaBuilder {
    let context: ConnectionContext
    /// The connection's outgoing script.
    let script: Script
    /// For the script helpers' lookups (`user.find`).
    let instance: PluginInstance

    func replica(for raw: JSON) throws -> JSON {
        try replicaAndReads(for: raw, trackReads: false).replica
    }

    /// The replica and the entity members the script read to build it.
    func replicaAndReads(for raw: JSON, trackReads: Bool = true) throws -> (replica: JSON, reads: Set<String>) {
        let entity = raw["id"]?.stringValue.map { TwinMarks(context: context).marked(raw, localID: $0) } ?? raw
        let run = ScriptRun(script)
        let view = EntityView(entity, mode: .readOnly)
        view.tracksReads = trackReads
        run.bind("issue", view)
        run.bind("entity", view)
        run.bind("replica", .object([:]))
        ScriptHelpers.bindLogAndDebug(into: run, host: NodeScriptHost(context: context, instance: instance, twin: nil, entity: entity["key"]?.stringValue))
        try run.run()
        let replica = try run.value("replica") ?? .object([:])
        guard replica.objectValue != nil else {
            throw ScriptHostError("\(script.file): the outgoing script must leave `replica` a map, not \(replica.kindName)")
        }
        return (replica, view.readMembers)
    }

    /// The replica's hash: SHA-256 of its canonical (sorted-key) JSON.
    static func hash(_ replica: JSON) -> String {
        Digest.hex(Digest.sha256(replica.serialized()))
    }
}
