import SyncScript
import TandemCLI
import TandemJSON

/// Dry-run versions of the helpers the sync engine registers into scripts.
///
/// Each is a pure function of its inputs and touches no tracker, so
/// `tandem script test` can run a script without a node. The engine replaces
/// them with versions that look up twins, users, statuses and priorities.
enum ScriptDryRunHelpers {
    /// Binds `commentHelper`, `attachmentHelper`, `nodeHelper`, `debug`, `log`.
    static func bind(into run: ScriptRun) {
        let comments = NativeObject("commentHelper")
        comments.method("mergeComments") { args in
            try expectArguments(args, 2, "commentHelper.mergeComments(issue, replica)")
            return .array(newComments(entity: args[0], replica: args[1]))
        }
        run.bind("commentHelper", comments)

        let attachments = NativeObject("attachmentHelper")
        attachments.method("mergeAttachments") { args in
            try expectArguments(args, 2, "attachmentHelper.mergeAttachments(issue, replica)")
            return .array(newAttachments(entity: args[0], replica: args[1]))
        }
        run.bind("attachmentHelper", attachments)

        let node = NativeObject("nodeHelper")
        node.method("getStatus") { args in
            try expectArguments(args, 1, "nodeHelper.getStatus(name)")
            return .object(["name": args[0]])
        }
        node.method("getPriority") { args in
            try expectArguments(args, 1, "nodeHelper.getPriority(name)")
            return .object(["name": args[0]])
        }
        node.method("getUserByEmail") { args in
            try expectArguments(args, 1, "nodeHelper.getUserByEmail(email)")
            return .object(["email": args[0]])
        }
        run.bind("nodeHelper", node)

        let debug = NativeObject("debug")
        debug.method("error") { args in
            throw ScriptHostError(args.map { $0.stringValue ?? $0.text }.joined(separator: " "))
        }
        run.bind("debug", debug)

        let log = NativeObject("log")
        for level in ["info", "warn"] {
            log.method(level) { args in
                printError("\(level): " + args.map { $0.stringValue ?? $0.text }.joined(separator: " "))
                return .null
            }
        }
        run.bind("log", log)
    }

    private static func expectArguments(_ args: [JSON], _ count: Int, _ usage: String) throws {
        guard args.count == count else { throw ScriptHostError("\(usage) takes \(count) argument(s), got \(args.count)") }
    }

    /// The replica's comments the entity does not have yet, each as
    /// `{"body": "[Author] text", "remoteId": "<replica comment id>", "internal": …}`.
    ///
    /// A replica comment is already present when an entity comment names it
    /// in `remoteId` (the twin link the engine keeps), or has its body with or
    /// without the author prefix and (unprefixed) the same author.
    static func newComments(entity: JSON, replica: JSON) -> [JSON] {
        let existing = entity["comments"]?.arrayValue ?? []
        var added: [JSON] = []
        for comment in replica["comments"]?.arrayValue ?? [] {
            let body = comment["body"]?.stringValue ?? ""
            let author = comment["author"]?["name"]?.stringValue ?? comment["author"]?["email"]?.stringValue ?? "unknown"
            let prefixed = "[\(author)] \(body)"
            let present = existing.contains { mine in
                if let remoteId = mine["remoteId"], remoteId == comment["id"] ?? .null { return true }
                let myBody = mine["body"]?.stringValue
                if myBody == prefixed { return true }
                return myBody == body && sameAuthor(mine["author"], comment["author"])
            }
            if present { continue }
            var new: [String: JSON] = ["body": .string(prefixed), "remoteId": comment["id"] ?? .null]
            if let isInternal = comment["internal"] { new["internal"] = isInternal }
            added.append(.object(new))
        }
        return added
    }

    private static func sameAuthor(_ a: JSON?, _ b: JSON?) -> Bool {
        if let email = a?["email"]?.stringValue, email == b?["email"]?.stringValue { return true }
        if let name = a?["name"]?.stringValue, name == b?["name"]?.stringValue { return true }
        return false
    }

    /// The replica's attachments the entity does not have (by `remoteId` or
    /// `sha256`), each with `remoteId` set to the replica attachment's id.
    static func newAttachments(entity: JSON, replica: JSON) -> [JSON] {
        let existing = entity["attachments"]?.arrayValue ?? []
        var added: [JSON] = []
        for attachment in replica["attachments"]?.arrayValue ?? [] {
            let present = existing.contains { mine in
                if let remoteId = mine["remoteId"], remoteId == attachment["id"] ?? .null { return true }
                if let sha = mine["sha256"]?.stringValue, sha == attachment["sha256"]?.stringValue { return true }
                return false
            }
            if present { continue }
            var new = attachment.objectValue ?? [:]
            new["remoteId"] = attachment["id"] ?? .null
            new["id"] = nil
            added.append(.object(new))
        }
        return added
    }
}
