import TandemJSON

/// Creates the local twin of a peer entity on its first sync.
///
/// A create is the one tracker write that is not idempotent by itself, so:
///   - it carries a correlation id (`<connection>:<peer entity id>`) that the
///     connector stores with the entity; after a crash between the create and
///     the twin's commit, or an answer lost on the way back, `lookup` finds
///     it and it is not created again;
///   - the twin is recorded at once, so a retry updates instead;
///   - a burst of creates on one connection trips the `CreationBreaker`,
///     which refuses further creates (the lane parks with the reason) and
///     pauses the connection, so a loop cannot flood a tracker.
struct EntityCreator {
    let context: ConnectionContext
    let instance: PluginInstance
    let creations: CreationBreaker

    /// Creates the entity and records its twin; returns the twin with the new
    /// entity's lane (`entity:<id>`) held by the caller, who releases it after
    /// its final commit, so the entity's own change event waits until then,
    /// and the connector's answer (the new entity's fields when it can give them).
    func create(fields: JSON, for message: ReplicaMessage) throws -> (twin: Twin, created: JSON) {
        if let refusal = creations.admit() {
            context.setPaused(true)
            context.metrics.increment("tandem_circuit_breaker_trips_total", ["connection": context.name])
            context.logger.error("\(refusal); connection paused", connection: context.name, entity: message.source.label)
            throw PluginCallError(.invalid, refusal)
        }
        let correlation = correlationID(message)
        context.beginCreate()
        defer { context.endCreate() }
        context.creates.tried(correlation)
        let created = try instance.call("create", ["fields": fields, "correlationId": .string(correlation)]).json
        guard let id = created["id"]?.stringValue else {
            throw PluginCallError(.internal, "create answered without an id: \(created.text)")
        }
        // No outgoing work holds this lane yet (entities without a twin wait
        // while a create is in flight), so this wait is short.
        context.locks.acquire(["entity:" + id])
        var twin = Twin(connection: context.name, localID: id)
        twin.localKey = created["key"]?.stringValue
        twin.localURL = created["url"]?.stringValue
        twin.remoteID = message.source.id
        twin.remoteKey = message.source.key
        do {
            try context.store.write { try $0.save(twin) }
            context.creates.recorded(correlation)
        } catch {
            context.locks.release(["entity:" + id])
            throw error
        }
        return (twin, created)
    }

    /// The entity a create for this message made before a crash or a lost
    /// answer, found by its correlation id; nil when there is none (the
    /// normal first sync) or the connector cannot look it up.
    ///
    /// Asks the tracker only when a create may have reached it unrecorded
    /// (`CreateLedger`); `oldest` is the inbox id of the lane's oldest
    /// message. A first sync in a running node costs no lookup.
    func createdBeforeRestart(_ message: ReplicaMessage, oldest: Int64) throws -> JSON? {
        guard context.creates.mayHaveCreated(correlationID(message), inboxID: oldest) else { return nil }
        do {
            return try instance.callIfDeclared("lookup", ["correlationId": .string(correlationID(message))])?.json
        } catch let error as PluginCallError where error.kind == .notFound {
            return nil
        }
    }

    private func correlationID(_ message: ReplicaMessage) -> String {
        "\(context.name):\(message.source.id)"
    }
}
