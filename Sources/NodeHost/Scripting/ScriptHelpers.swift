import SyncScript
import TandemJSON

/// The helper objects bound into sync scripts: `log`, `debug`,
/// `commentHelper`, `attachmentHelper`, `nodeHelper`, `syncHelper`.
///
/// One implementation for the node and for `tandem script test`: what
/// differs is only where lookups go (`ScriptHelperHost`), so a dry run
/// decides exactly as the node would, given the same lookups.
public enum ScriptHelpers {
    /// `log.info/warn(…)` to the host's log; `debug.error(msg)` ends the run
    /// with `msg` as the reason the entity is parked.
    public static func bindLogAndDebug(into run: ScriptRun, host: any ScriptHelperHost) {
        let log = NativeObject("log")
        log.method("info") { args in
            host.log(.info, text(args))
            return .null
        }
        log.method("warn") { args in
            host.log(.warn, text(args))
            return .null
        }
        run.bind("log", log)
        let debug = NativeObject("debug")
        debug.method("error") { args in throw ScriptHostError(text(args)) }
        run.bind("debug", debug)
    }

    /// The incoming helpers: comment and attachment merging, user, status
    /// and priority lookups, twin lookups.
    public static func bindIncoming(into run: ScriptRun, host: any ScriptHelperHost) {
        let comments = NativeObject("commentHelper")
        comments.method("mergeComments") { args in
            guard args.count == 2 else { throw ScriptHostError("commentHelper.mergeComments(issue, replica) takes 2 arguments") }
            return .array(CommentMerge.newComments(entity: args[0], replica: args[1]))
        }
        run.bind("commentHelper", comments)

        let attachments = NativeObject("attachmentHelper")
        attachments.method("mergeAttachments") { args in
            guard args.count == 2 else { throw ScriptHostError("attachmentHelper.mergeAttachments(issue, replica) takes 2 arguments") }
            return .array(AttachmentMerge.newAttachments(entity: try host.withAttachmentTwins(args[0]), replica: args[1]))
        }
        run.bind("attachmentHelper", attachments)

        let node = NativeObject("nodeHelper")
        node.method("getUserByEmail") { args in
            guard let email = args.first?.stringValue else { throw ScriptHostError("nodeHelper.getUserByEmail(email) needs an email string") }
            return try host.user(email: email) ?? .null
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
        sync.property("connection", get: { .string(host.connection) })
        sync.property("remoteKey", get: { host.remoteKey.map(JSON.string) ?? .null })
        sync.property("remoteUrl", get: { host.remoteURL.map(JSON.string) ?? .null })
        sync.method("localKeyOf") { args in
            guard let remoteID = args.first?.stringValue else { throw ScriptHostError("syncHelper.localKeyOf(remoteId) needs an id") }
            return try host.localKey(ofRemote: remoteID).map(JSON.string) ?? .null
        }
        run.bind("syncHelper", sync)
    }

    private static func text(_ args: [JSON]) -> String {
        args.map { $0.stringValue ?? $0.text }.joined(separator: " ")
    }
}

/// Where the script helpers' lookups go: the node's tracker and store
/// (`NodeScriptHost`), or nothing at all for a dry run (`DryRunScriptHost`).
public protocol ScriptHelperHost: Sendable {
    var connection: String { get }
    /// The peer entity's key and URL when the twin is linked.
    var remoteKey: String? { get }
    var remoteURL: String? { get }
    func log(_ level: Logger.Level, _ text: String)
    /// The tracker's user with this e-mail; nil when there is none.
    func user(email: String) throws -> JSON?
    /// The entity with its attachments marked with known SHA-256s and peer ids.
    func withAttachmentTwins(_ entity: JSON) throws -> JSON
    /// The local key twinned with the peer entity `id`, if any.
    func localKey(ofRemote id: String) throws -> String?
}

/// A dry run's lookups: no tracker, no store. Every e-mail names a user,
/// no attachment or twin is known, logs go to `sink`.
public struct DryRunScriptHost: ScriptHelperHost {
    public let connection = "dry-run"
    public let remoteKey: String? = nil
    public let remoteURL: String? = nil
    let sink: @Sendable (Logger.Level, String) -> Void

    public init(log sink: @escaping @Sendable (Logger.Level, String) -> Void) { self.sink = sink }

    public func log(_ level: Logger.Level, _ text: String) { sink(level, text) }
    public func user(email: String) throws -> JSON? { ["email": .string(email)] }
    public func withAttachmentTwins(_ entity: JSON) throws -> JSON { entity }
    public func localKey(ofRemote id: String) throws -> String? { nil }
}
