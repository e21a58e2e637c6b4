import Synchronization

/// A blocking HTTP/1.1 client with per-host keep-alive connection reuse,
/// over plain TCP (http://) or TLS (https://).
///
/// TLS always verifies the server's certificate against the system trust
/// store plus `caFile` when given, and checks the host name; there is no
/// way to turn that off. Kept-alive TLS connections are reused like plain
/// ones, and new ones resume the last TLS session with the host.
///
/// Thread-safe: call it from your own threads (it blocks the caller, so not
/// from Swift's cooperative pool). After a complete response that allows it,
/// the connection returns to an idle pool of at most
/// `maxIdleConnectionsPerHost` per host. A request on a pooled connection
/// that the server closed meanwhile is retried once on a new connection if
/// no response byte arrived and the method is idempotent.
public final class HTTPClient: Sendable {
    private let maxIdleConnectionsPerHost: Int
    /// PEM file of a private CA trusted beside the system's; nil: system only.
    public let caFile: String?
    private let idle = Mutex<[String: [ClientConnection]]>([:])

    public init(maxIdleConnectionsPerHost: Int = 8, caFile: String? = nil) {
        self.maxIdleConnectionsPerHost = maxIdleConnectionsPerHost
        self.caFile = caFile
    }

    /// Sends `request` and returns the complete response (any status).
    ///
    /// - Throws: `HTTPClientError`: `.connectionRefused`, `.timedOut` (the
    ///   whole exchange exceeded `timeoutSeconds`), `.malformedResponse`, …
    public func send(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        let url = try ClientURL(parsing: request.url)
        let deadline = Deadline.after(seconds: request.timeoutSeconds)
        let bytes = HTTPClient.serialize(request, url)
        if let pooled = takeIdle(url.poolKey) {
            do {
                return try exchange(on: pooled, request.method, bytes, url, deadline)
            } catch {
                let retryable = HTTPClient.isIdempotent(request.method) && !pooled.responseStarted && pooled.reader.available == 0
                switch error {
                case .connectionClosed where retryable: break
                default: throw error
                }
            }
        }
        let tls = url.isTLS ? try TLSClientContext.shared(caFile: caFile) : nil
        let fresh = try ClientConnection.connect(to: url, tls: tls, until: deadline)
        return try exchange(on: fresh, request.method, bytes, url, deadline)
    }

    /// Loads the trust set now (system store plus `caFile`), so a missing or
    /// unreadable CA file shows at start-up rather than at the first request.
    public func checkTrust() throws(HTTPClientError) {
        _ = try TLSClientContext.shared(caFile: caFile)
    }

    /// Closes every idle connection.
    public func closeIdleConnections() {
        idle.withLock { $0.removeAll() }
    }

    private func exchange(on connection: ClientConnection, _ method: String, _ bytes: [UInt8], _ url: ClientURL,
                          _ deadline: Deadline) throws(HTTPClientError) -> HTTPClientResponse {
        try connection.write(bytes, until: deadline)
        let (response, reusable) = try connection.readResponse(method: method, until: deadline)
        if reusable { putIdle(connection) }
        return response
    }

    private func takeIdle(_ key: String) -> ClientConnection? {
        while let candidate = idle.withLock({ $0[key]?.popLast() }) {
            if candidate.isReusable { return candidate }
        }
        return nil
    }

    private func putIdle(_ connection: ClientConnection) {
        guard connection.reader.available == 0 else { return }
        idle.withLock { pool in
            var list = pool[connection.poolKey, default: []]
            guard list.count < maxIdleConnectionsPerHost else { return }
            list.append(connection)
            pool[connection.poolKey] = list
        }
    }

    static func isIdempotent(_ method: String) -> Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method)
    }

    /// The request head and body. The client owns `Content-Length` and adds
    /// `Host` unless given; a caller's `Transfer-Encoding` is dropped (bodies
    /// always go with a length).
    static func serialize(_ request: HTTPClientRequest, _ url: ClientURL) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + request.body.count)
        out.append(contentsOf: request.method.utf8)
        out.append(0x20)
        out.append(contentsOf: url.target.utf8)
        out.append(contentsOf: " HTTP/1.1\r\n".utf8)
        if !request.headers.contains("Host") {
            out.append(contentsOf: "Host: \(url.authority)\r\n".utf8)
        }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            out.append(contentsOf: "Content-Length: \(request.body.count)\r\n".utf8)
        }
        for field in request.headers.fields {
            if asciiCaseInsensitiveEqual(field.name, "content-length") || asciiCaseInsensitiveEqual(field.name, "transfer-encoding") {
                continue
            }
            for byte in field.name.utf8 { out.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
            out.append(contentsOf: ": ".utf8)
            for byte in field.value.utf8 { out.append(byte == 0x0D || byte == 0x0A ? 0x20 : byte) }
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: request.body)
        return out
    }
}
