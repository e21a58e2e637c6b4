import TandemDigest

/// Signs and verifies node-to-node requests (docs/architecture.md, "Peer protocol").
///
/// The signature is HMAC-SHA256, under the connection's shared secret, of
///
///     TANDEM-HMAC-SHA256 \n METHOD \n PATH?QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body))
///
/// sent as headers `X-Tandem-Connection`, `X-Tandem-Timestamp` (Unix seconds),
/// `X-Tandem-Nonce` (32 hex digits) and `X-Tandem-Signature` (hex). The
/// connection name travels in the clear so the receiver knows which secret to
/// check against; it grants nothing by itself.
public struct RequestSigner: Sendable {
    public static let connectionHeader = "X-Tandem-Connection"
    public static let timestampHeader = "X-Tandem-Timestamp"
    public static let nonceHeader = "X-Tandem-Nonce"
    public static let signatureHeader = "X-Tandem-Signature"
    /// How far a request's timestamp may be from the receiver's clock.
    public static let maxSkewSeconds: Int64 = 300

    let secret: [UInt8]

    public init(secret: String) { self.secret = Array(secret.utf8) }

    /// The headers that sign a request of `method` to `target` with `body`.
    public func headers(connection: String, method: String, target: String, body: [UInt8],
                        now: Int64, nonce: String = Digest.hex(Digest.randomBytes(16))) -> [(String, String)] {
        let timestamp = String(now)
        return [
            (Self.connectionHeader, connection),
            (Self.timestampHeader, timestamp),
            (Self.nonceHeader, nonce),
            (Self.signatureHeader, signature(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)),
        ]
    }

    func signature(method: String, target: String, timestamp: String, nonce: String, body: [UInt8]) -> String {
        let canonical = ["TANDEM-HMAC-SHA256", method.uppercased(), target, timestamp, nonce, Digest.hex(Digest.sha256(body))]
            .joined(separator: "\n")
        return Digest.hex(Digest.hmacSHA256(key: secret, message: Array(canonical.utf8)))
    }

    /// Checks a received request's signature and time window; the nonce's
    /// freshness is the caller's (it needs the store).
    ///
    /// - Returns: nil when valid, else why it was refused (never sent to the
    ///   client, which gets a bare 401: an unsigned probe learns nothing).
    public func verify(method: String, target: String, body: [UInt8], timestamp: String?, nonce: String?,
                       signature: String?, now: Int64) -> String? {
        if let problem = Self.verifyHead(timestamp: timestamp, nonce: nonce, signature: signature, now: now) { return problem }
        guard let timestamp, let nonce, let signature else { return "missing signature headers" }
        let expected = self.signature(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        guard Digest.constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
            return "signature does not match"
        }
        return nil
    }
}

extension RequestSigner {
    /// The checks that need no body: all three headers present, the timestamp
    /// inside the window, the nonce well-formed. Run before a body is read,
    /// so an unsigned or stale request is refused without reading it.
    public static func verifyHead(timestamp: String?, nonce: String?, signature: String?, now: Int64) -> String? {
        guard let timestamp, let nonce, let signature else { return "missing signature headers" }
        guard let seconds = Int64(timestamp) else { return "timestamp is not a number" }
        guard abs(now - seconds) <= maxSkewSeconds else { return "timestamp is \(now - seconds) s away from now" }
        guard nonce.utf8.count == 32, nonce.utf8.allSatisfy(isHexDigit) else { return "nonce is not 32 hex digits" }
        guard signature.utf8.count == 64, signature.lowercased().utf8.allSatisfy(isHexDigit) else { return "signature is not 64 hex digits" }
        return nil
    }
}

private func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)
}
