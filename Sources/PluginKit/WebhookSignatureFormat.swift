/// How a tracker signs the webhooks it delivers, declared by its connector in
/// `describe` and in the descriptor's capabilities as
/// `"webhookSignature": {"header": NAME, "scheme": SCHEME}`.
///
/// The node verifies deliveries itself, before the connector parses them, so a
/// connector declares the format and never sees the secret. Scheme
/// `sha256-hex`: the header's value is `sha256=` followed by the 64 hex digits
/// of HMAC-SHA256 over the raw request body, keyed with the shared secret
/// (Jira's `X-Hub-Signature`; the shipped ServiceNow business rule's
/// `X-Tandem-Signature`).
public struct WebhookSignatureFormat: Sendable, Equatable {
    public var header: String
    public var scheme: String

    public init(header: String, scheme: String = "sha256-hex") {
        self.header = header
        self.scheme = scheme
    }

    public var json: JSON { ["header": .string(header), "scheme": .string(scheme)] }
}
