import PluginKit

extension JiraConnector {
    /// Jira (Data Center 8.x+, Cloud) signs a webhook registered with a
    /// secret as `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    static let webhookSignature: WebhookSignatureFormat? = WebhookSignatureFormat(header: "X-Hub-Signature")
}
