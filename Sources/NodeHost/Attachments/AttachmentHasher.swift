import TandemJSON
import TandemDigest

/// The sending side of attachments (docs/attachments.md): before
/// a replica is built, every attachment of the entity whose SHA-256 the node
/// does not know yet is fetched once with `attachment.get`, spooled to the
/// blob folder (where `GET /peer/v1/blobs/{sha256}` serves it) and its hash
/// recorded in `attachment_twins`. The replica then carries the hash.
///
/// An attachment above the connection's `maxAttachmentBytes` is not fetched:
/// it travels without `sha256`, and the receiver parks it with the reason.
struct AttachmentHasher {
    let context: ConnectionContext

    /// Hashes the entity's attachments not hashed before.
    ///
    /// - Throws: `PluginCallError` from `attachment.get` (transient ones are
    ///   retried by the caller), `BlobStoreError` when the blob cannot be spooled.
    func hashUnknown(of entity: JSON) throws {
        guard let attachments = entity["attachments"]?.arrayValue, !attachments.isEmpty,
              let entityID = entity["id"]?.stringValue else { return }
        let known = Set(try context.store.read { try $0.attachmentTwins(connection: context.name, localEntity: entityID) }
            .map(\.localAttachment))
        BlobMemory.prepare()
        for attachment in attachments {
            guard let id = attachment["id"]?.stringValue, !known.contains(id) else { continue }
            if let size = attachment["size"]?.intValue, size > context.config.maxAttachmentBytes { continue }
            guard let output = try fetch(entityID: entityID, attachmentID: id) else { continue }
            let bytes = output.blob ?? []
            let sha256 = Digest.hex(Digest.sha256(bytes))
            try context.blobs.write(bytes, sha256: sha256)
            try context.store.write { tx in
                try tx.saveAttachmentTwin(connection: context.name, AttachmentTwin(
                    localEntity: entityID, localAttachment: id, sha256: sha256, size: Int64(bytes.count), remoteAttachment: nil))
            }
        }
    }

    /// Whether every attachment `entity` lists was hashed before. An entity
    /// that lists others must come from the node's own read of the tracker
    /// before any attachment id in it is fetched.
    func knowsAll(of entity: JSON) throws -> Bool {
        guard let attachments = entity["attachments"]?.arrayValue, !attachments.isEmpty else { return true }
        guard let entityID = entity["id"]?.stringValue else { return false }
        let known = try context.store.read { try $0.attachmentTwins(connection: context.name, localEntity: entityID) }
        let ids = Set(known.map(\.localAttachment))
        return attachments.allSatisfy { $0["id"]?.stringValue.map(ids.contains) ?? false }
    }

    /// The attachment's bytes; nil when it was deleted since the entity was read.
    private func fetch(entityID: String, attachmentID: String) throws(PluginCallError) -> PluginOutput? {
        do {
            return try context.instance.call("attachment.get", ["id": .string(entityID), "attachmentId": .string(attachmentID)])
        } catch where error.kind == .notFound {
            return nil
        }
    }
}

extension ConnectionContext {
    /// Where this node spools attachment bytes.
    var blobs: BlobStore { BlobStore(store: store) }

    /// The entity with each known attachment marked with its `sha256`, and
    /// with `remoteId` when it came from the peer (from `attachment_twins`),
    /// so replicas carry hashes and a synced attachment never travels back.
    func withAttachmentTwins(_ entity: JSON, localID: String) -> JSON {
        guard let attachments = entity["attachments"]?.arrayValue, !attachments.isEmpty else { return entity }
        let known: [AttachmentTwin]
        do {
            known = try store.read { try $0.attachmentTwins(connection: name, localEntity: localID) }
        } catch {
            logger.error("cannot read the attachment twins of \(localID); its attachments go unmarked: \(error)", connection: name, entity: localID)
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
