import TandemHTTP
import TandemJSON
import TandemDigest

/// `GET /peer/v1/blobs/{sha256}`: the bytes of an attachment this node
/// announced to the peer in a replica (docs/attachments.md).
///
/// Reached only after `PeerReceiver` verified the request's signature, so the
/// connection is known; the nonce is recorded here like a message's. Only
/// hashes in this connection's `attachment_twins` are served: a peer cannot
/// read arbitrary blobs of other connections. A blob recorded but missing
/// from the folder (removed by an operator) is fetched again from the tracker.
struct BlobEndpoint {
    static let pathPrefix = "/peer/v1/blobs/"
    let context: ConnectionContext
    /// Fetches a blob again from the tracker when its file is missing.
    let instance: PluginInstance
    private var blobs: BlobStore { BlobStore(store: context.store) }

    func serve(_ request: HTTPRequest) -> HTTPResponse {
        let sha256 = String(request.path.dropFirst(Self.pathPrefix.count))
        guard BlobStore.isHash(sha256) else {
            return .json(400, ["error": "bad request", "reason": .string("'\(sha256)' is not a SHA-256 in lower-case hex")])
        }
        BlobMemory.prepare()
        let nonce = request.headers[RequestSigner.nonceHeader] ?? ""
        let twin: AttachmentTwin?
        do {
            guard try context.store.write({ try $0.useNonce(nonce) }) else { return PeerReceiver.unauthorized }
            twin = try context.store.read { try $0.attachmentTwin(connection: context.name, sha256: sha256) }
        } catch {
            return .json(503, ["error": "unavailable", "reason": "the node could not read its store; ask again"])
        }
        guard let twin else {
            return .json(404, ["error": "not found", "reason": .string("this node announced no attachment with SHA-256 \(sha256) on connection '\(context.name)'")])
        }
        do {
            let bytes = try blobs.read(sha256) ?? refetch(twin)
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream", "X-Tandem-SHA256": sha256],
                                body: bytes)
        } catch let error as PluginCallError where error.kind == .notFound {
            return .json(404, ["error": "not found", "reason": .string("the attachment with SHA-256 \(sha256) no longer exists in the tracker")])
        } catch {
            context.logger.warn("cannot serve blob \(sha256): \(error)", connection: context.name)
            return .json(503, ["error": "unavailable", "reason": .string("cannot read the attachment now: \(error)")])
        }
    }

    /// Reads the attachment from the tracker again and spools it.
    private func refetch(_ twin: AttachmentTwin) throws -> [UInt8] {
        let output = try instance.call("attachment.get", ["id": .string(twin.localEntity),
                                                                  "attachmentId": .string(twin.localAttachment)])
        let bytes = output.blob ?? []
        guard Digest.hex(Digest.sha256(bytes)) == twin.sha256 else {
            throw PluginCallError(.notFound, "attachment \(twin.localAttachment) changed since it was announced")
        }
        try blobs.write(bytes, sha256: twin.sha256)
        return bytes
    }
}
