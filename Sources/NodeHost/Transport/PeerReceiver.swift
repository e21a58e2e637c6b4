import TandemHTTP
import TandemJSON

/// Receives signed messages from peer nodes (DESIGN.md §8).
///
/// Authentication comes before routing: any request under `/peer/v1/` that
/// is unsigned, badly signed, outside the 300-second window, for an unknown
/// connection, or that reuses a nonce gets a bare 401 and changes nothing.
/// Accepted messages are stored in the inbox and the nonce recorded in one
/// transaction; the 2xx answer is sent only after it committed.
struct PeerReceiver {
    let contexts: [String: ConnectionContext]
    let store: Store
    let logger: Logger

    static let unauthorized = HTTPResponse.json(401, ["error": "unauthorized"])

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == PeerHello.path { return PeerHello.answer(request, contexts: contexts) }
        guard let name = request.headers[RequestSigner.connectionHeader], let context = contexts[name] else {
            return refuse(request, "unknown or missing connection")
        }
        if let problem = context.signer.verify(
            method: request.method, target: request.target, body: request.body,
            timestamp: request.headers[RequestSigner.timestampHeader], nonce: request.headers[RequestSigner.nonceHeader],
            signature: request.headers[RequestSigner.signatureHeader], now: nowMs() / 1000) {
            return refuse(request, problem, connection: name)
        }
        if request.method == "GET", request.path.hasPrefix(BlobEndpoint.pathPrefix) {
            return BlobEndpoint(context: context).serve(request)
        }
        guard request.method == "POST", request.path == PeerSender.path else {
            return .json(404, ["error": "not found", "reason": .string("no peer endpoint \(request.method) \(request.path)")])
        }
        let messages: [JSON]
        do {
            guard let list = try JSON(parsing: request.body)["messages"]?.arrayValue else {
                return .json(400, ["error": "bad request", "reason": "body must be {\"messages\": [...]}"])
            }
            messages = list
        } catch {
            return .json(400, ["error": "bad request", "reason": .string("body is not JSON: \(error)")])
        }
        let nonce = request.headers[RequestSigner.nonceHeader] ?? ""
        do {
            let stored: Int? = try store.write { tx in
                guard try tx.useNonce(nonce) else { return nil }
                var stored = 0
                for message in messages {
                    guard let (kind, lane, seq) = Self.identity(of: message) else {
                        throw HTTPResponseError(.json(400, ["error": "bad request", "reason": .string("message without kind, lane or seq: \(message.text.prefix(200))")]))
                    }
                    if kind == .replica, let twin = try tx.twin(connection: name, remoteID: lane), seq <= twin.lastAppliedSeq {
                        continue  // applied already: a resend after a lost answer
                    }
                    if try tx.storeInbox(connection: name, kind: kind, lane: lane, seq: seq, body: message) { stored += 1 }
                }
                return stored
            }
            guard let stored else { return refuse(request, "nonce reused", connection: name) }
            context.work.signal()
            context.metrics.increment("tandem_messages_received_total", ["connection": name], by: Double(messages.count))
            return .json(200, ["stored": .int(Int64(stored)), "received": .int(Int64(messages.count))])
        } catch let error as HTTPResponseError {
            return error.response
        } catch {
            logger.error("cannot store peer messages: \(error)", connection: name)
            return .json(503, ["error": "unavailable", "reason": "the node could not store the messages; send them again"])
        }
    }

    /// (kind, lane, seq) of a message: its inbox key.
    static func identity(of message: JSON) -> (QueuedMessage.Kind, String, Int64)? {
        guard let kind = message["kind"]?.stringValue.flatMap(QueuedMessage.Kind.init(rawValue:)),
              let seq = message["seq"]?.intValue else { return nil }
        switch kind {
        case .replica:
            guard let lane = message["source"]?["id"]?.stringValue else { return nil }
            return (kind, lane, Int64(seq))
        case .ack:
            guard let lane = message["lane"]?.stringValue else { return nil }
            let applied = message["outcome"]?.stringValue == "applied"
            return (kind, lane, IncomingStage.ackSeq(Int64(seq), applied: applied))
        case .link, .unlink, .linkAck:
            return LinkStage.identity(of: message, kind: kind)
        }
    }

    private func refuse(_ request: HTTPRequest, _ reason: String, connection: String? = nil) -> HTTPResponse {
        logger.warn("refused peer request \(request.method) \(request.path) from \(request.remoteAddress): \(reason)",
                    connection: connection)
        return Self.unauthorized
    }
}
