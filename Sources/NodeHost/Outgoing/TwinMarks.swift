import TandemJSON

/// Marks an entity's comments and attachments with what the node knows of
/// their twins, so what came from the peer never travels back.
///
/// Outgoing scripts carry the marks into replicas (`commentHelper` and
/// `attachmentHelper` skip marked items), and an apply reads them to know
/// which comments and attachments the peer already has. A failed store read
/// leaves the entity unmarked and is logged.
struct TwinMarks {
    let context: ConnectionContext

    /// Both kinds of marks.
    func marked(_ entity: JSON, localID: String) -> JSON {
        withAttachmentTwins(withCommentTwins(entity, localID: localID), localID: localID)
    }

    /// The entity with each comment that came from the peer marked with its
    /// peer id (`remoteId`), from the comment twins.
    ///
    /// A comment an interrupted apply added but could not record yet (an open
    /// comment intent with its body) is marked too, so it is not sent back
    /// as new before the retried apply records it.
    func withCommentTwins(_ entity: JSON, localID: String) -> JSON {
        guard let comments = entity["comments"]?.arrayValue, !comments.isEmpty else { return entity }
        let name = context.name
        let known: [String: String], intents: [String: String]
        do {
            (known, intents) = try context.store.read { tx in
                (try tx.commentTwins(connection: name, localEntity: localID), try tx.commentIntents(connection: name, localEntity: localID))
            }
        } catch {
            context.logger.error("cannot read the comment twins of \(localID); its comments go unmarked: \(error)", connection: name, entity: localID)
            return entity
        }
        guard !known.isEmpty || !intents.isEmpty else { return entity }
        var remoteByLocal = Dictionary(known.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (remote, body) in intents.sorted(by: { $0.key < $1.key }) where known[remote] == nil {
            if let id = comments.first(where: { comment in
                guard let id = comment["id"]?.stringValue, remoteByLocal[id] == nil else { return false }
                return CommentApplier.matches(comment["body"]?.stringValue ?? "", intended: body)
            })?["id"]?.stringValue {
                remoteByLocal[id] = remote
            }
        }
        var annotated = entity
        annotated["comments"] = .array(comments.map { comment in
            guard let id = comment["id"]?.stringValue, let remote = remoteByLocal[id] else { return comment }
            var marked = comment
            marked["remoteId"] = .string(remote)
            return marked
        })
        return annotated
    }

    /// The entity with each known attachment marked with its `sha256`, and
    /// with `remoteId` when it came from the peer (from `attachment_twins`),
    /// so replicas carry hashes and a synced attachment never travels back.
    func withAttachmentTwins(_ entity: JSON, localID: String) -> JSON {
        guard let attachments = entity["attachments"]?.arrayValue, !attachments.isEmpty else { return entity }
        let known: [AttachmentTwin]
        do {
            known = try context.store.read { try $0.attachmentTwins(connection: context.name, localEntity: localID) }
        } catch {
            context.logger.error("cannot read the attachment twins of \(localID); its attachments go unmarked: \(error)",
                                 connection: context.name, entity: localID)
            return entity
        }
        guard !known.isEmpty else { return entity }
        let byID = Dictionary(known.map { ($0.localAttachment, $0) }, uniquingKeysWith: { first, _ in first })
        var annotated = entity
        annotated["attachments"] = .array(attachments.map { attachment in
            guard let id = attachment["id"]?.stringValue, let twin = byID[id] else { return attachment }
            var marked = attachment
            marked["sha256"] = .string(twin.sha256)
            if let remote = twin.remoteAttachment { marked["remoteId"] = .string(remote) }
            return marked
        })
        return annotated
    }
}
