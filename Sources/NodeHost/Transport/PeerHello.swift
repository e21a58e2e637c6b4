import TandemHTTP
import TandemJSON
import TandemDigest
import TandemTime

/// `GET /peer/v1/hello`: tells a node, before or while it sends, whether its
/// peer knows the connection, holds the same secret and speaks a protocol
/// version it speaks (`tandem config check --peer`, and the reason a sender
/// gives for a 401).
///
/// The request is signed like every peer request. Answers:
///   200 `{node, connection, protocol: "MAJOR.MINOR"}` when the signature
///       verifies under the named connection's secret;
///   404 `{error: "unknown connection", connection, secretOf}` when it
///       verifies under the secret of another connection, `secretOf` (the
///       caller holds that secret, so may learn its name: a connection
///       renamed on one node only);
///   401 `{error: "unauthorized"}` otherwise, the same bytes whether the
///       named connection exists or not, so a stranger cannot probe names.
/// 200 and 404 are signed back in `X-Tandem-Signature` with the secret that
/// verified, so the caller knows the peer holds it. The request is checked
/// against every connection's secret, whatever its name, so the time taken
/// does not tell either. No nonce is recorded: a replayed hello changes nothing.
struct PeerHello {
    static let path = "/peer/v1/hello"

    // MARK: - Answering

    /// The answer, and for a 401 the cause for this node's log.
    static func answer(_ request: HTTPRequest, connections: [String: Connection]) -> (HTTPResponse, refusal: String?) {
        guard let name = request.headers[RequestSigner.connectionHeader] else {
            return (.json(400, ["error": "bad request", "reason": .string("missing \(RequestSigner.connectionHeader)")]), nil)
        }
        let now = Timestamp.now() / 1000
        var problems: [String: String] = [:]
        var verifiedBy: [String] = []
        for (candidate, connection) in connections.sorted(by: { $0.key < $1.key }) {
            let problem = connection.signer.verify(method: request.method, target: request.target, body: request.body,
                                                timestamp: request.headers[RequestSigner.timestampHeader],
                                                nonce: request.headers[RequestSigner.nonceHeader],
                                                signature: request.headers[RequestSigner.signatureHeader], now: now)
            if let problem { problems[candidate] = problem } else { verifiedBy.append(candidate) }
        }
        if verifiedBy.contains(name), let connection = connections[name] {
            return (signed(200, ["node": .string(connection.nodeName), "connection": .string(name),
                                 "protocol": .string(ProtocolVersion.current.description)], by: connection.signer, request: request), nil)
        }
        if let other = verifiedBy.first, let connection = connections[other] {
            return (signed(404, ["error": "unknown connection", "connection": .string(name), "secretOf": .string(other)],
                           by: connection.signer, request: request), nil)
        }
        let cause = connections[name] == nil ? "unknown connection" : problems[name] ?? "signature does not match"
        return (PeerReceiver.unauthorized, "hello for connection '\(name)': \(cause)")
    }

    private static func signed(_ status: Int, _ json: JSON, by signer: RequestSigner, request: HTTPRequest) -> HTTPResponse {
        let body = json.serialized()
        var response = HTTPResponse(status: status, body: body)
        response.headers["Content-Type"] = "application/json"
        response.headers[RequestSigner.signatureHeader] = answerSignature(signer, request: request, body: body)
        return response
    }

    /// The answer is signed over the request's nonce, so it cannot be replayed to another hello.
    private static func answerSignature(_ signer: RequestSigner, request: HTTPRequest, body: [UInt8]) -> String {
        signer.signature(method: "HELLO-ANSWER", target: path, timestamp: request.headers[RequestSigner.timestampHeader] ?? "",
                         nonce: request.headers[RequestSigner.nonceHeader] ?? "", body: body)
    }

    // MARK: - Asking

    /// What the peer said about one of our connections.
    enum Verdict: Equatable, CustomStringConvertible {
        /// The peer reads our batches: the same major protocol version (ProtocolVersion).
        case compatible(node: String, protocol: String)
        case incompatible(node: String, protocol: String)
        /// The peer has no connection of our name with our secret, but its
        /// connection `secretOf` holds our secret.
        case unknownConnection(secretOf: String)
        /// The peer did not accept our signature: it lacks the connection,
        /// holds another secret for it, or its clock is too far from ours. It
        /// answers these alike, so that strangers cannot probe names.
        case refused
        /// An answer this node cannot read (an older peer without hello, a proxy, …).
        case unexpected(String)
        case unreachable(String)

        var isCompatible: Bool { if case .compatible = self { return true } else { return false } }

        func explanation(connection: String, peerURL: String) -> String {
            switch self {
            case .compatible(let node, let version):
                return "peer \(node) at \(peerURL) knows connection '\(connection)' and speaks protocol \(version) (this node \(ProtocolVersion.current))"
            case .incompatible(let node, let version):
                return "peer \(node) at \(peerURL) speaks protocol \(version), this node \(ProtocolVersion.current): different major versions cannot talk; upgrade the older node"
            case .unknownConnection(let other):
                return "the peer at \(peerURL) does not know connection '\(connection)' with this secret; its connection '\(other)' has it: name the connection alike on both nodes and restart the one you rename"
            case .refused:
                return "the peer at \(peerURL) refused our signed hello for connection '\(connection)': it does not know connection '\(connection)', or holds another peer.secret for it, or the two clocks are more than \(RequestSigner.maxSkewSeconds) s apart. It answers these alike, so that strangers cannot probe connection names; its log names the cause (`refused peer request … hello for connection '\(connection)': …`)"
            case .unexpected(let detail):
                return "the peer at \(peerURL) gave an unexpected answer to \(PeerHello.path): \(detail)"
            case .unreachable(let detail):
                return "cannot reach the peer at \(peerURL): \(detail)"
            }
        }

        var description: String { explanation(connection: "?", peerURL: "?") }
    }

    /// Asks the peer of `connection` (signed with `secret`) whether it knows it.
    static func ask(connection: String, peerURL: String, secret: String, client: HTTPClient,
                    timeoutSeconds: Double = 5) -> Verdict {
        let signer = RequestSigner(secret: secret)
        var headers = HTTPHeaders()
        let signed = signer.headers(connection: connection, method: "GET", target: path, body: [], now: Timestamp.now() / 1000)
        for (name, value) in signed { headers[name] = value }
        let response: HTTPResponse
        do {
            response = try client.send(HTTPClientRequest(method: "GET", url: peerURL + path, headers: headers,
                                                         timeoutSeconds: timeoutSeconds))
        } catch {
            return .unreachable("\(error)")
        }
        let nonce = signed.first { $0.0 == RequestSigner.nonceHeader }?.1 ?? ""
        let timestamp = signed.first { $0.0 == RequestSigner.timestampHeader }?.1 ?? ""
        let expected = signer.signature(method: "HELLO-ANSWER", target: path, timestamp: timestamp, nonce: nonce, body: response.body)
        let signedBack = response.headers[RequestSigner.signatureHeader].map {
            Digest.constantTimeEqual(Array(expected.utf8), Array($0.lowercased().utf8))
        } ?? false
        switch response.status {
        case 200, 404:
            guard signedBack else { return .unexpected("HTTP \(response.status), not signed with this connection's secret") }
            let json = (try? JSON(parsing: response.body)) ?? .null
            if response.status == 404 {
                guard let other = json["secretOf"]?.stringValue else { return .unexpected("HTTP 404 without secretOf") }
                return .unknownConnection(secretOf: other)
            }
            guard let text = json["protocol"]?.stringValue, let version = ProtocolVersion(text) else {
                return .unexpected("no protocol version in \(String(decoding: response.body.prefix(200), as: UTF8.self))")
            }
            let node = json["node"]?.stringValue ?? "?"
            return version.major == ProtocolVersion.current.major ? .compatible(node: node, protocol: text)
                                                                  : .incompatible(node: node, protocol: text)
        case 401:
            return .refused
        default:
            return .unexpected("HTTP \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }
}
