import TandemJSON

/// Which of a replica's attachments an entity lacks (`attachmentHelper.mergeAttachments`).
public enum AttachmentMerge {
    /// The replica's attachments the entity does not have yet, each as the
    /// replica's entry (`filename`, `mimeType`, `size`, `sha256`) without its
    /// `id` and with `remoteId` set to that id.
    ///
    /// A replica attachment is present when an entity attachment names it in
    /// `remoteId` or has the same `sha256` (the engine fills both from its
    /// attachment twins before the helper compares). An attachment the entity
    /// itself sent (its `remoteId` in the replica is one of the entity's own
    /// ids) is never added back.
    public static func newAttachments(entity: JSON, replica: JSON) -> [JSON] {
        let existing = entity["attachments"]?.arrayValue ?? []
        let ownIDs = Set(existing.compactMap { $0["id"]?.stringValue })
        let remoteIDs = Set(existing.compactMap { $0["remoteId"]?.stringValue })
        let hashes = Set(existing.compactMap { $0["sha256"]?.stringValue })
        var added: [JSON] = []
        for attachment in replica["attachments"]?.arrayValue ?? [] {
            if let origin = attachment["remoteId"]?.stringValue, ownIDs.contains(origin) { continue }
            if let id = attachment["id"]?.stringValue, remoteIDs.contains(id) { continue }
            if let sha256 = attachment["sha256"]?.stringValue, hashes.contains(sha256) { continue }
            var new = attachment.objectValue ?? [:]
            new["remoteId"] = attachment["id"] ?? .null
            new["id"] = nil
            added.append(.object(new))
        }
        return added
    }
}
