import PluginKit

extension ServiceNowConnector {
    /// The shipped business rule signs each notification with the shared
    /// secret as `X-Tandem-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    static let webhookSignature: WebhookSignatureFormat? = WebhookSignatureFormat(header: "X-Tandem-Signature")
}
