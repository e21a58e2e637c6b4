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
    let instance: PluginInstance
    /// Larger attachments are not fetched (`maxAttachmentBytes`).
    let maxBytes: Int
    private var blobs: BlobStore { BlobStore(store: context.store) }

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
            if let size = attachment["size"]?.intValue, size > maxBytes { continue }
            guard let output = try fetch(entityID: entityID, attachmentID: id) else { continue }
            let bytes = output.blob ?? []
            let sha256 = Digest.hex(Digest.sha256(bytes))
            try blobs.write(bytes, sha256: sha256)
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
            return try instance.call("attachment.get", ["id": .string(entityID), "attachmentId": .string(attachmentID)])
        } catch where error.kind == .notFound {
            return nil
        }
    }
}
