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
///   200 `{node, connection, protocol: "MAJOR.MINOR"}`, the body signed back in
///       `X-Tandem-Signature` (so a 200 proves the peer holds the secret);
///   404 `{error: "unknown connection"}` when the peer has no connection of
///       that name (a caller learns only whether a name it guessed exists);
///   401 when the signature or its time window does not verify.
/// No nonce is recorded: a replayed hello changes nothing.
struct PeerHello {
    static let path = "/peer/v1/hello"

    // MARK: - Answering

    static func answer(_ request: HTTPRequest, connections: [String: Connection]) -> HTTPResponse {
        guard let name = request.headers[RequestSigner.connectionHeader] else {
            return .json(400, ["error": "bad request", "reason": .string("missing \(RequestSigner.connectionHeader)")])
        }
        guard let connection = connections[name] else {
            return .json(404, ["error": "unknown connection", "connection": .string(name)])
        }
        if connection.signer.verify(method: request.method, target: request.target, body: request.body,
                                 timestamp: request.headers[RequestSigner.timestampHeader],
                                 nonce: request.headers[RequestSigner.nonceHeader],
                                 signature: request.headers[RequestSigner.signatureHeader], now: Timestamp.now() / 1000) != nil {
            return PeerReceiver.unauthorized
        }
        let body = JSON.object([
            "node": .string(connection.nodeName), "connection": .string(name),
            "protocol": .string(ProtocolVersion.current.description),
        ]).serialized()
        var response = HTTPResponse(status: 200, body: body)
        response.headers["Content-Type"] = "application/json"
        response.headers[RequestSigner.signatureHeader] = answerSignature(connection.signer, request: request, body: body)
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
        case unknownConnection
        case secretMismatch
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
            case .unknownConnection:
                return "the peer at \(peerURL) does not know connection '\(connection)': add it to the peer's configuration (both nodes name a connection alike) and restart the peer"
            case .secretMismatch:
                return "the peer at \(peerURL) refused our signature for connection '\(connection)': the two nodes' peer.secret differ, or their clocks are more than \(RequestSigner.maxSkewSeconds) s apart"
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
        switch response.status {
        case 200:
            let json = (try? JSON(parsing: response.body)) ?? .null
            let nonce = signed.first { $0.0 == RequestSigner.nonceHeader }?.1 ?? ""
            let timestamp = signed.first { $0.0 == RequestSigner.timestampHeader }?.1 ?? ""
            let expected = signer.signature(method: "HELLO-ANSWER", target: path, timestamp: timestamp, nonce: nonce, body: response.body)
            guard let got = response.headers[RequestSigner.signatureHeader],
                  Digest.constantTimeEqual(Array(expected.utf8), Array(got.lowercased().utf8)) else {
                return .unexpected("the answer is not signed with this connection's secret")
            }
            guard let text = json["protocol"]?.stringValue, let version = ProtocolVersion(text) else {
                return .unexpected("no protocol version in \(String(decoding: response.body.prefix(200), as: UTF8.self))")
            }
            let node = json["node"]?.stringValue ?? "?"
            return version.major == ProtocolVersion.current.major ? .compatible(node: node, protocol: text)
                                                                  : .incompatible(node: node, protocol: text)
        case 404 where (try? JSON(parsing: response.body))?["error"]?.stringValue == "unknown connection":
            return .unknownConnection
        case 401:
            return .secretMismatch
        default:
            return .unexpected("HTTP \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }
}
