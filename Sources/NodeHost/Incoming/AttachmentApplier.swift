import TandemHTTP
import TandemJSON
import TandemDigest

/// Adds the attachments an incoming script asked for (`issue.attachments =
/// attachmentHelper.mergeAttachments(issue, replica)`), after the comments
/// step of `ReplicaApplier`.
///
/// For each: skipped when an attachment twin already has its peer id or its
/// SHA-256 (never added twice); parked when larger than the connection's
/// `maxAttachmentBytes`; else its bytes are fetched from the peer by hash
/// (`GET /peer/v1/blobs/{sha256}`, signed), verified, spooled to the blob
/// folder and handed to `attachment.put`.
///
/// Idempotency (docs/architecture.md, The store): an intent row is written before the put
/// and replaced by the attachment twin right after it. An intent found open
/// means a crash came between the two: the entity's attachments without a
/// twin are then matched by SHA-256 before anything is put again.
struct AttachmentApplier {
    let context: ConnectionContext
    let instance: PluginInstance
    /// Fetches blobs from the peer node.
    let peer: PeerClient
    /// Larger attachments are parked (`maxAttachmentBytes`).
    let maxBytes: Int
    /// A hash mismatch or a missing blob is retried this many times, then parked.
    static let maxAttempts = 3
    private var blobs: BlobStore { BlobStore(store: context.store) }

    /// Adds each attachment not on the entity yet; returns the new local
    /// attachment ids. `attempts`: how often this message failed before.
    ///
    /// - Throws: `PluginCallError` (transient: retried), `AttachmentError`
    ///   (permanent: the lane is parked with its message).
    func add(_ attachments: [JSON], to twin: Twin, attempts: Int) throws -> Set<String> {
        var added: Set<String> = []
        if !attachments.isEmpty { BlobMemory.prepare() }
        for attachment in attachments {
            if let id = try add(attachment, to: twin, attempts: attempts) { added.insert(id) }
        }
        return added
    }

    private func add(_ attachment: JSON, to twin: Twin, attempts: Int) throws -> String? {
        let filename = SafeFileName(attachment["filename"]?.stringValue ?? "").value
        let sha256 = attachment["sha256"]?.stringValue ?? ""
        let remoteID = attachment["remoteId"]?.stringValue ?? sha256
        let known = try context.store.read { try $0.attachmentTwins(connection: context.name, localEntity: twin.localID) }
        if known.contains(where: { $0.remoteAttachment == remoteID || $0.sha256 == sha256 }) { return nil }

        let limit = maxBytes
        if let size = attachment["size"]?.intValue, size > limit {
            throw AttachmentError.overLimit(filename: filename, size: size, limit: limit, connection: context.name)
        }
        guard BlobStore.isHash(sha256) else {
            throw AttachmentError("the peer sent attachment '\(filename)' without a SHA-256 (it hashes only attachments within its own maxAttachmentBytes); raise the limit on the sending node, then retry")
        }
        if try context.store.read({ try $0.hasAttachmentIntent(connection: context.name, localEntity: twin.localID, remoteAttachment: remoteID) }),
           let existing = try findPutBeforeRestart(sha256: sha256, size: attachment["size"]?.intValue, known: known, twin: twin) {
            try record(existing, sha256: sha256, size: attachment["size"]?.intValue ?? 0, remoteID: remoteID, twin: twin)
            return existing
        }
        let bytes = try blobs.read(sha256) ?? fetch(sha256, filename: filename, attempts: attempts)
        if bytes.count > limit {
            throw AttachmentError.overLimit(filename: filename, size: bytes.count, limit: limit, connection: context.name)
        }
        try context.store.write {
            try $0.recordAttachmentIntent(connection: context.name, localEntity: twin.localID, remoteAttachment: remoteID, sha256: sha256)
        }
        let output = try instance.call("attachment.put", [
            "id": .string(twin.localID), "filename": .string(filename),
            "mimeType": attachment["mimeType"] ?? .string("application/octet-stream"),
        ], blob: bytes).json
        guard let localID = output["id"]?.stringValue else {
            throw AttachmentError("attachment.put of '\(filename)' answered without an id: \(output.text.prefix(200))")
        }
        try record(localID, sha256: sha256, size: bytes.count, remoteID: remoteID, twin: twin)
        return localID
    }

    private func record(_ localID: String, sha256: String, size: Int, remoteID: String, twin: Twin) throws {
        try context.store.write { tx in
            try tx.saveAttachmentTwin(connection: context.name, AttachmentTwin(
                localEntity: twin.localID, localAttachment: localID, sha256: sha256, size: Int64(size), remoteAttachment: remoteID))
            try tx.deleteAttachmentIntent(connection: context.name, localEntity: twin.localID, remoteAttachment: remoteID)
        }
    }

    /// The bytes of `sha256` from the peer, verified and spooled.
    private func fetch(_ sha256: String, filename: String, attempts: Int) throws -> [UInt8] {
        let response: HTTPResponse
        do throws(HTTPClientError) {
            response = try peer.send(method: "GET", target: BlobEndpoint.pathPrefix + sha256, timeoutSeconds: 300)
        } catch {
            throw PluginCallError(.transient, "fetch attachment '\(filename)' from the peer: \(error)")
        }
        switch response.status {
        case 200: break
        case 404 where attempts + 1 >= Self.maxAttempts:
            throw AttachmentError("the peer does not have attachment '\(filename)' (SHA-256 \(sha256)): \(response.text.prefix(300))")
        default:
            throw PluginCallError(.transient, "fetch attachment '\(filename)' from the peer: HTTP \(response.status) \(response.text.prefix(300))")
        }
        let bytes = response.body
        let actual = Digest.hex(Digest.sha256(bytes))
        guard actual == sha256 else {
            let problem = "attachment '\(filename)' arrived with SHA-256 \(actual), not the announced \(sha256)"
            if attempts + 1 >= Self.maxAttempts { throw AttachmentError(problem + " (after \(Self.maxAttempts) attempts)") }
            throw PluginCallError(.transient, problem + "; fetching again")
        }
        try blobs.write(bytes, sha256: sha256)
        return bytes
    }

    /// After a crash between a put and its record: the entity's attachment
    /// with these bytes that has no twin yet, if the put happened.
    private func findPutBeforeRestart(sha256: String, size: Int?, known: [AttachmentTwin], twin: Twin) throws -> String? {
        let entity = try instance.call("get", ["id": .string(twin.localID)]).json
        let twinned = Set(known.map(\.localAttachment))
        for candidate in entity["attachments"]?.arrayValue ?? [] {
            guard let id = candidate["id"]?.stringValue, !twinned.contains(id) else { continue }
            if let size, let candidateSize = candidate["size"]?.intValue, candidateSize != size { continue }
            let output = try instance.call("attachment.get", ["id": .string(twin.localID), "attachmentId": .string(id)])
            if Digest.hex(Digest.sha256(output.blob ?? [])) == sha256 {
                context.logger.info("found attachment \(id) put before a restart; not adding it again", connection: context.name,
                                    entity: twin.localKey)
                return id
            }
        }
        return nil
    }
}

/// A permanent attachment failure: its message is the parked reason.
struct AttachmentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    static func overLimit(filename: String, size: Int, limit: Int, connection: String) -> AttachmentError {
        AttachmentError("attachment '\(filename)' is \(mebibytes(size)) (\(size) bytes), over this connection's limit of \(mebibytes(limit)) (maxAttachmentBytes \(limit)); raise connections.\(connection).maxAttachmentBytes on this node and `tandem errors retry`, or remove the attachment")
    }

    private static func mebibytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
