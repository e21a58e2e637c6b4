import CCrypto

/// The `sha256=<hex HMAC-SHA256 of the raw body>` signature trackers put on
/// webhooks (Jira: `X-Hub-Signature`; Tandem's ServiceNow notification:
/// `X-Tandem-Signature`), checked against the secret the operator set on both.
public enum WebhookSignature {
    /// `sha256=` and the lower-case hex HMAC-SHA256 of `body` keyed with `secret`.
    public static func header(secret: String, body: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        let key = Array(secret.utf8)
        _ = key.withUnsafeBufferPointer { keyBuffer in
            body.withUnsafeBufferPointer { bodyBuffer in
                HMAC(EVP_sha256(), keyBuffer.baseAddress, Int32(key.count), bodyBuffer.baseAddress, bodyBuffer.count, &digest, &length)
            }
        }
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest { text.append(hex[Int(byte >> 4)]); text.append(hex[Int(byte & 15)]) }
        return "sha256=" + String(decoding: text, as: UTF8.self)
    }

    /// Refuses a webhook whose `headerName` (looked up ignoring case in
    /// `headers`) is missing or does not sign `body` with `secret`. Compares in
    /// constant time.
    ///
    /// - Throws: `.auth` saying what is wrong, never the secret or the expected value.
    public static func verify(_ headers: JSON?, _ headerName: String, body: String, secret: String,
                              for operation: String) throws(ConnectorError) {
        let wanted = headerName.lowercased()
        let given = headers?.objectValue?.first { $0.key.lowercased() == wanted }?.value.stringValue
        guard let given, !given.isEmpty else {
            throw .auth("\(operation): the webhook carries no \(headerName); the tracker must sign it with the configured webhookSecret")
        }
        let expected = Array(header(secret: secret, body: Array(body.utf8)).utf8)
        let actual = Array(given.lowercased().utf8)
        var difference = UInt8(actual.count == expected.count ? 0 : 1)
        for index in 0..<expected.count { difference |= expected[index] ^ (index < actual.count ? actual[index] : 0) }
        guard difference == 0 else {
            throw .auth("\(operation): the webhook's \(headerName) does not match its body signed with the configured webhookSecret")
        }
    }
}
