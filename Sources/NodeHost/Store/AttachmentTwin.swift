import TandemSQL
import TandemTime

/// What the node knows about one attachment of a local entity (table
/// `attachment_twins`): the SHA-256 of its bytes, its size, and the peer's
/// attachment id when it was added from the peer.
struct AttachmentTwin: Sendable, Equatable {
    var localEntity: String
    var localAttachment: String
    var sha256: String
    var size: Int64
    /// The peer's attachment id this one was copied from; nil for our own.
    var remoteAttachment: String?
}

extension StoreTransaction {
    private func attachmentTwins(where clause: String, _ values: [SQLValue]) throws -> [AttachmentTwin] {
        try query("SELECT local_entity, local_attachment, sha256, size, remote_attachment FROM attachment_twins WHERE \(clause)",
                  values) { row in
            AttachmentTwin(localEntity: row.text(0) ?? "", localAttachment: row.text(1) ?? "", sha256: row.text(2) ?? "",
                           size: row.int64(3), remoteAttachment: row.optionalText(4))
        }
    }

    /// The known attachments of one local entity.
    func attachmentTwins(connection: String, localEntity: String) throws -> [AttachmentTwin] {
        try attachmentTwins(where: "connection = ? AND local_entity = ?", [.text(connection), .text(localEntity)])
    }

    /// Any attachment of this connection with these bytes: what the blob
    /// endpoint may serve (the node announced it in a replica).
    func attachmentTwin(connection: String, sha256: String) throws -> AttachmentTwin? {
        try attachmentTwins(where: "connection = ? AND sha256 = ? LIMIT 1", [.text(connection), .text(sha256)]).first
    }

    /// Records an attachment's hash (and origin); replaces an older record of it.
    func saveAttachmentTwin(connection: String, _ twin: AttachmentTwin) throws {
        try run("""
            INSERT OR REPLACE INTO attachment_twins (connection, local_entity, local_attachment, sha256, size, remote_attachment)
            VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(connection), .text(twin.localEntity), .text(twin.localAttachment), .text(twin.sha256),
                  .integer(twin.size), .optional(twin.remoteAttachment)])
    }

    // MARK: Intents

    /// Notes that an `attachment.put` of `remoteAttachment` is about to be made.
    func recordAttachmentIntent(connection: String, localEntity: String, remoteAttachment: String, sha256: String) throws {
        try run("""
            INSERT OR REPLACE INTO attachment_intents (connection, local_entity, remote_attachment, sha256, created_at)
            VALUES (?, ?, ?, ?, ?)
            """, [.text(connection), .text(localEntity), .text(remoteAttachment), .text(sha256), .integer(Timestamp.now())])
    }

    /// Whether a put of `remoteAttachment` began and was never recorded as done.
    func hasAttachmentIntent(connection: String, localEntity: String, remoteAttachment: String) throws -> Bool {
        try query("SELECT 1 FROM attachment_intents WHERE connection = ? AND local_entity = ? AND remote_attachment = ?",
                  [.text(connection), .text(localEntity), .text(remoteAttachment)]) { _ in true }.first ?? false
    }

    func deleteAttachmentIntent(connection: String, localEntity: String, remoteAttachment: String) throws {
        try run("DELETE FROM attachment_intents WHERE connection = ? AND local_entity = ? AND remote_attachment = ?",
                [.text(connection), .text(localEntity), .text(remoteAttachment)])
    }
}
