import TandemJSON

/// Adds the peer's new comments to a local entity, each at most once even
/// across a crash (docs/architecture.md, The store: an intent before the call, the twin
/// after; on an open intent the entity's comments are listed and matched by
/// body before adding again).
struct CommentApplier {
    let context: ConnectionContext
    let instance: PluginInstance

    /// Adds each comment not added before; returns the new local comments' ids.
    func add(_ comments: [JSON], to twin: Twin) throws -> Set<String> {
        var added: Set<String> = []
        guard !comments.isEmpty else { return added }
        let (known, intents) = try context.store.read { tx in
            (try tx.commentTwins(connection: context.name, localEntity: twin.localID),
             try tx.commentIntents(connection: context.name, localEntity: twin.localID))
        }
        for comment in comments {
            let remoteID = comment["remoteId"]?.stringValue
            if let remoteID, known[remoteID] != nil { continue }
            let body = comment["body"]?.stringValue ?? ""
            if let remoteID, let intended = intents[remoteID],
               let found = try addedBeforeCrash(intended, to: twin, claimed: Set(known.values)) {
                try record(found, remoteID: remoteID, of: twin)
                continue
            }
            if let remoteID {
                try context.store.write {
                    try $0.recordCommentIntent(connection: context.name, localEntity: twin.localID, remoteComment: remoteID, body: body)
                }
            }
            let output = try instance.call("comment.add", [
                "id": .string(twin.localID), "body": comment["body"] ?? "", "internal": comment["internal"] ?? .bool(false),
            ]).json
            guard let localComment = output["id"]?.stringValue else { continue }
            added.insert(localComment)
            if let remoteID { try record(localComment, remoteID: remoteID, of: twin) }
        }
        return added
    }

    private func record(_ localComment: String, remoteID: String, of twin: Twin) throws {
        try context.store.write { tx in
            try tx.addCommentTwin(connection: context.name, localEntity: twin.localID, localComment: localComment, remoteComment: remoteID)
            try tx.deleteCommentIntent(connection: context.name, localEntity: twin.localID, remoteComment: remoteID)
        }
    }

    /// The id of a local comment no twin claims whose body is `intended`: the
    /// add an earlier attempt made before it could record it.
    private func addedBeforeCrash(_ intended: String, to twin: Twin, claimed: Set<String>) throws -> String? {
        let entity = try instance.call("get", ["id": .string(twin.localID)]).json
        return entity["comments"]?.arrayValue?.first { comment in
            guard let id = comment["id"]?.stringValue, !claimed.contains(id) else { return false }
            return Self.matches(comment["body"]?.stringValue ?? "", intended: intended)
        }?["id"]?.stringValue
    }

    /// Whether a stored comment body is the one added: trackers may prefix
    /// the author (`[Admin] text`), so the end must match.
    static func matches(_ stored: String, intended: String) -> Bool {
        !intended.isEmpty && (stored == intended || stored.hasSuffix(intended))
    }
}
