import TandemJSON

/// The node's lookups for the script helpers of one run: the connection's
/// plugin instance and store, and the twin the run is about.
struct NodeScriptHost: ScriptHelperHost {
    let context: ConnectionContext
    let instance: PluginInstance
    let twin: Twin?
    /// How log lines name the entity.
    let entity: String?

    var connection: String { context.name }
    var remoteKey: String? { twin?.remoteKey }
    var remoteURL: String? { twin?.remoteURL }

    func log(_ level: Logger.Level, _ text: String) {
        context.logger.log(level, text, connection: context.name, entity: entity, ["source": "script"])
    }

    func user(email: String) throws -> JSON? {
        do throws(PluginCallError) {
            return try instance.callIfDeclared("user.find", ["email": .string(email)])?.json ?? ["email": .string(email)]
        } catch {
            guard error.kind == .notFound else { throw error }
            return nil
        }
    }

    func withAttachmentTwins(_ entity: JSON) throws -> JSON {
        guard let twin else { return entity }
        return TwinMarks(context: context).withAttachmentTwins(entity, localID: twin.localID)
    }

    func localKey(ofRemote id: String) throws -> String? {
        try context.store.read { try $0.twin(connection: context.name, remoteID: id) }.map { $0.localKey ?? $0.localID }
    }
}
