import SyncScript
import TandemJSON

/// The helper objects the engine binds into scripts (DESIGN.md §6).
///
/// Each is built per run, on the worker thread that runs the script; those
/// that reach the tracker call the connection's plugin instance directly
/// (the worker is one of the node's own threads, so blocking is fine).
enum ScriptHelpers {
    /// `log.info/warn(…)` into the node log, `debug.error(msg)` ends the run
    /// with `msg` as the reason the entity is parked.
    static func bindLogAndDebug(into run: ScriptRun, context: ConnectionContext, entity: String?) {
        let log = NativeObject("log")
        log.method("info") { args in
            context.logger.info(text(args), connection: context.name, entity: entity, ["source": "script"])
            return .null
        }
        log.method("warn") { args in
            context.logger.warn(text(args), connection: context.name, entity: entity, ["source": "script"])
            return .null
        }
        run.bind("log", log)
        let debug = NativeObject("debug")
        debug.method("error") { args in throw ScriptHostError(text(args)) }
        run.bind("debug", debug)
    }

    /// The incoming helpers: comment and attachment merging, user, status
    /// and priority lookups, twin lookups.
    static func bindIncoming(into run: ScriptRun, context: ConnectionContext, twin: Twin?) {
        let comments = NativeObject("commentHelper")
        comments.method("mergeComments") { args in
            guard args.count == 2 else { throw ScriptHostError("commentHelper.mergeComments(issue, replica) takes 2 arguments") }
            return .array(CommentMerge.newComments(entity: args[0], replica: args[1]))
        }
        run.bind("commentHelper", comments)

        let attachments = NativeObject("attachmentHelper")
        attachments.method("mergeAttachments") { args in
            guard args.count == 2 else { throw ScriptHostError("attachmentHelper.mergeAttachments(issue, replica) takes 2 arguments") }
            let entity = twin.map { context.withAttachmentTwins(args[0], localID: $0.localID) } ?? args[0]
            return .array(AttachmentMerge.newAttachments(entity: entity, replica: args[1]))
        }
        run.bind("attachmentHelper", attachments)

        let node = NativeObject("nodeHelper")
        node.method("getUserByEmail") { args in
            guard let email = args.first?.stringValue else { throw ScriptHostError("nodeHelper.getUserByEmail(email) needs an email string") }
            do {
                return try context.callIfDeclared("user.find", ["email": .string(email)])?.json ?? ["email": .string(email)]
            } catch let error as PluginCallError where error.kind == .notFound {
                return .null
            }
        }
        node.method("getStatus") { args in
            guard let name = args.first?.stringValue else { throw ScriptHostError("nodeHelper.getStatus(name) needs a name") }
            return ["name": .string(name)]
        }
        node.method("getPriority") { args in
            guard let name = args.first?.stringValue else { throw ScriptHostError("nodeHelper.getPriority(name) needs a name") }
            return ["name": .string(name)]
        }
        run.bind("nodeHelper", node)

        let sync = NativeObject("syncHelper")
        sync.property("connection", get: { .string(context.name) })
        sync.property("remoteKey", get: { twin?.remoteKey.map(JSON.string) ?? .null })
        sync.property("remoteUrl", get: { twin?.remoteURL.map(JSON.string) ?? .null })
        sync.method("localKeyOf") { args in
            guard let remoteID = args.first?.stringValue else { throw ScriptHostError("syncHelper.localKeyOf(remoteId) needs an id") }
            let found = try context.store.read { try $0.twin(connection: context.name, remoteID: remoteID) }
            return found.map { .string($0.localKey ?? $0.localID) } ?? .null
        }
        run.bind("syncHelper", sync)
    }

    private static func text(_ args: [JSON]) -> String {
        args.map { $0.stringValue ?? $0.text }.joined(separator: " ")
    }
}
