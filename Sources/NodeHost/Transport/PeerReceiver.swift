import TandemHTTP
import TandemJSON
import TandemTime

/// Receives signed messages from peer nodes (docs/architecture.md, Peer protocol).
///
/// Authentication comes before routing: any request under `/peer/v1/` that
/// is unsigned, badly signed, outside the 300-second window, for an unknown
/// connection, or that reuses a nonce gets a bare 401 and changes nothing.
/// Accepted messages are stored in the inbox and the nonce recorded in one
/// transaction; the 2xx answer is sent only after it committed.
///
/// `admit` runs on the head alone, before the server reads the body: a
/// request for an unknown connection, without well-formed signature headers,
/// outside the window or with a used nonce is refused there, so an
/// unauthenticated body never costs memory. Used nonces older than the window
/// are pruned at most once a minute, inside the write that records a new one.
struct PeerReceiver {
    let connections: [String: Connection]
    let store: Store
    let logger: Logger
    let pruning = NoncePruning()

    static let unauthorized = HTTPResponse.json(401, ["error": "unauthorized"])

    /// The pre-body check (the server's admission hook); nil lets the request in.
    func admit(_ head: HTTPRequest) -> HTTPResponse? {
        // The handshake answers an unknown connection with exactly that (PeerHello).
        if head.path == PeerHello.path { return nil }
        guard let name = head.headers[RequestSigner.connectionHeader], connections[name] != nil else {
            return refuse(head, "unknown or missing connection")
        }
        if let problem = RequestSigner.verifyHead(
            timestamp: head.headers[RequestSigner.timestampHeader], nonce: head.headers[RequestSigner.nonceHeader],
            signature: head.headers[RequestSigner.signatureHeader], now: Timestamp.now() / 1000) {
            return refuse(head, problem, connection: name)
        }
        do {
            if try store.read({ try $0.isNonceUsed(head.headers[RequestSigner.nonceHeader] ?? "") }) {
                return refuse(head, "nonce reused", connection: name)
            }
        } catch {
            logger.error("cannot check a peer nonce: \(error)", connection: name)
            return .json(503, ["error": "unavailable", "reason": "the node could not read its store; send again"])
        }
        return nil
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == PeerHello.path { return PeerHello.answer(request, connections: connections) }
        guard let name = request.headers[RequestSigner.connectionHeader], let connection = connections[name] else {
            return refuse(request, "unknown or missing connection")
        }
        if let problem = connection.signer.verify(
            method: request.method, target: request.target, body: request.body,
            timestamp: request.headers[RequestSigner.timestampHeader], nonce: request.headers[RequestSigner.nonceHeader],
            signature: request.headers[RequestSigner.signatureHeader], now: Timestamp.now() / 1000) {
            return refuse(request, problem, connection: name)
        }
        if request.method == "GET", request.path.hasPrefix(BlobEndpoint.pathPrefix) {
            return BlobEndpoint(context: connection.context, instance: connection.instance).serve(request)
        }
        if request.method == "POST", request.path == PeerRecovery.path {
            return PeerRecovery.serve(request, context: connection.context)
        }
        guard request.method == "POST", request.path == PeerSender.path else {
            return .json(404, ["error": "not found", "reason": .string("no peer endpoint \(request.method) \(request.path)")])
        }
        let messages: [PeerMessage]
        do {
            let body = try JSON(parsing: request.body)
            if let refusal = PeerStoreCheck(store: store, logger: logger).admit(connection: name, batch: body) { return refusal }
            messages = try ProtocolVersion.messages(ofBatch: body).enumerated().map { index, json throws(ProtocolError) in
                do throws(ProtocolError) {
                    return try PeerMessage(decoding: json)
                } catch {
                    throw ProtocolError.wrongType("messages[\(index)]", expected: "a valid message (\(error))")
                }
            }
        } catch let error as ProtocolError {
            return .json(400, ["error": "bad request", "reason": .string(error.description)])
        } catch {
            return .json(400, ["error": "bad request", "reason": .string("body is not JSON: \(error)")])
        }
        let nonce = request.headers[RequestSigner.nonceHeader] ?? ""
        do {
            let stored: Int? = try store.write { tx in
                guard try tx.useNonce(nonce) else { return nil }
                try pruning.pruneIfDue(tx)
                var stored = 0
                for message in messages {
                    if case .replica(let replica) = message, let twin = try tx.twin(connection: name, remoteID: replica.source.id),
                       replica.seq <= twin.lastAppliedSeq {
                        continue  // applied already: a resend after a lost answer
                    }
                    if try tx.storeInbox(connection: name, kind: message.kind, lane: message.lane, seq: message.inboxSeq,
                                         body: message.json) {
                        stored += 1
                        try tx.recordReceived(connection: name, kind: message.kind, lane: message.lane, seq: message.inboxSeq)
                    }
                }
                return stored
            }
            guard let stored else { return refuse(request, "nonce reused", connection: name) }
            connection.context.work.signal()
            connection.context.metrics.increment("tandem_messages_received_total", ["connection": name], by: Double(messages.count))
            return .json(200, ["stored": .int(Int64(stored)), "received": .int(Int64(messages.count))])
        } catch let error as HTTPResponseError {
            return error.response
        } catch {
            logger.error("cannot store peer messages: \(error)", connection: name)
            return .json(503, ["error": "unavailable", "reason": "the node could not store the messages; send them again"])
        }
    }

    private func refuse(_ request: HTTPRequest, _ reason: String, connection: String? = nil) -> HTTPResponse {
        logger.warn("refused peer request \(request.method) \(request.path) from \(request.remoteAddress): \(reason)",
                    connection: connection)
        return Self.unauthorized
    }
}
