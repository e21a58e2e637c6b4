import TandemHTTP
import TandemTime

/// Every request this node makes to the peer of one connection, signed.
///
/// One place builds the signature headers (`RequestSigner`), so the batch
/// post and the blob fetch cannot drift apart. Thread: any (the HTTP client
/// keeps connections per host and is shared).
struct PeerClient: Sendable {
    let connection: String
    let baseURL: String
    let signer: RequestSigner
    let http: HTTPClient

    func send(method: String, target: String, body: [UInt8] = [], contentType: String? = nil,
              timeoutSeconds: Double) throws(HTTPClientError) -> HTTPResponse {
        var headers = HTTPHeaders()
        if let contentType { headers["Content-Type"] = contentType }
        for (name, value) in signer.headers(connection: connection, method: method, target: target, body: body, now: Timestamp.now() / 1000) {
            headers[name] = value
        }
        return try http.send(HTTPClientRequest(method: method, url: baseURL + target, headers: headers, body: body,
                                               timeoutSeconds: timeoutSeconds))
    }
}
