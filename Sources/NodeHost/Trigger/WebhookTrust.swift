import TandemHTTP

/// What a node may believe of the webhooks of one instance.
///
/// With a `webhookSecret`, a delivery is either verified (its signature holds
/// under the secret: the tracker said it, so the entity it carries may be sent
/// without reading it again) or refused with 401 before anything is parsed.
/// Without a secret anyone who reaches the port can post, so a delivery is a
/// notice only: it names an entity, and the node reads that entity from the
/// tracker itself before anything of it is sent.
struct WebhookTrust: Sendable {
    enum Verdict: Equatable {
        /// The signature verified: the carried entity is the tracker's word.
        case verified
        /// No secret configured: the event is a hint to re-read, nothing more.
        case notice
        /// A secret is configured and the signature does not verify.
        case refused(String)
    }

    let signature: WebhookSignature?
    let secret: [UInt8]?

    /// - Precondition: a `secret` comes with a `signature` (the node refuses
    ///   to start an instance with a secret whose plugin declares none).
    func judge(headers: HTTPHeaders, body: [UInt8]) -> Verdict {
        guard let secret else { return .notice }
        guard let signature else { return .refused("the plugin declares no webhook signature") }
        if let failure = signature.failure(headers: headers, body: body, secret: secret) { return .refused(failure) }
        return .verified
    }
}

extension WebhookTrust {
    /// The trust of instance `name`'s webhooks, from its configuration and
    /// its plugin's declaration.
    ///
    /// - Throws: `NodeStartError` when a secret is configured but the plugin
    ///   declares no usable signature format: verifying nothing while the
    ///   operator believes webhooks are authenticated would be worse than failing.
    static func of(instance name: String, _ instance: NodeConfig.Instance, plugin: LoadedPlugin) throws(NodeStartError) -> WebhookTrust {
        let signature: WebhookSignature?
        do { signature = try WebhookSignature.declared(in: plugin.capabilities) } catch {
            throw NodeStartError("$.instances.\(name).webhookSecret: plugin \(plugin.id) declares a webhook signature this node cannot check: \(error)")
        }
        guard let secret = instance.webhookSecret else { return WebhookTrust(signature: signature, secret: nil) }
        guard signature != nil else {
            throw NodeStartError("$.instances.\(name).webhookSecret: plugin \(plugin.id) declares no webhook signature, so the secret could not be checked; remove webhookSecret (webhooks are then notices only) or use a connector that declares webhookSignature")
        }
        return WebhookTrust(signature: signature, secret: Array(secret.utf8))
    }
}
