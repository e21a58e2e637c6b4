import TandemHTTP
import TandemJSON

/// `POST /hooks/{instance}`: a tracker's webhook.
///
/// First the delivery is judged (`WebhookTrust`): with a `webhookSecret` a
/// signature that does not verify gets 401 and is logged without its body,
/// before the connector parses a byte. Then the connector parses the body
/// (`webhook.parse`); every change event not made by the connection's own
/// integration user becomes a pending change of each connection that uses
/// this instance with `webhook: true`. The entity an event carries is kept
/// only when the signature verified; otherwise the outgoing stage reads it
/// from the tracker. Whether a connection sends the entity is its scope's
/// decision (`ScopeGate`), not the webhook's. The 200 answer is sent only
/// after the notices are committed, so a tracker that gets no answer sends
/// the event again and nothing is lost.
struct WebhookIntake {
    /// Connections by instance name, with webhooks enabled.
    let connectionsByInstance: [String: [ConnectionContext]]
    /// The plugin instance that parses each instance's webhooks.
    let instances: [String: PluginInstance]
    let store: Store
    /// Per instance name; an instance without an entry takes notices only.
    let trust: [String: WebhookTrust]

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let instanceName = request.pathParameters["instance"] ?? ""
        guard let contexts = connectionsByInstance[instanceName], let first = contexts.first,
              let instance = instances[instanceName] else {
            return .error(404, "no connection takes webhooks from instance '\(instanceName)'")
        }
        let verdict = trust[instanceName]?.judge(headers: request.headers, body: request.body) ?? .notice
        if case .refused(let reason) = verdict {
            first.logger.warn("webhook refused: \(reason)", ["instance": .string(instanceName), "bytes": .int(Int64(request.body.count))])
            for context in contexts {
                context.metrics.increment("tandem_webhook_events_total", ["connection": context.name, "result": "refused"])
            }
            return .error(401, "the webhook's signature does not verify; set the same secret in the tracker's webhook and in the node's webhookSecret")
        }
        var headers: [String: JSON] = [:]
        for (name, value) in request.headers { headers[name.lowercased()] = .string(value) }
        let events: [JSON]
        do {
            let parsed = try instance.call("webhook.parse", [
                "headers": .object(headers), "body": .string(String(decoding: request.body, as: UTF8.self)),
            ]).json
            events = parsed["events"]?.arrayValue ?? []
        } catch let error as PluginCallError where error.kind == .unsupported {
            return .error(501, "plugin \(instance.plugin.id) cannot parse webhooks: \(error.message)")
        } catch let error as PluginCallError where error.isTransient {
            return .error(503, "cannot parse the webhook now: \(error.message)")
        } catch {
            return .error(400, "not a webhook of this tracker: \(error)")
        }
        var accepted = 0, ignored = 0
        do {
            try store.write { tx in
                for event in events {
                    guard let id = event["id"]?.stringValue else { ignored += 1; continue }
                    if event["byIntegrationUser"]?.boolValue == true || event["kind"]?.stringValue == "deleted" {
                        ignored += 1
                        continue
                    }
                    for context in contexts {
                        try tx.notePending(connection: context.name, localID: id, localKey: event["key"]?.stringValue, source: "webhook",
                                           entity: verdict == .verified ? event["entity"] : nil)
                    }
                    accepted += 1
                }
            }
        } catch {
            return .error(503, "the node could not store the event; send it again")
        }
        for context in contexts {
            context.work.signal()
            context.metrics.increment("tandem_webhook_events_total", ["connection": context.name, "result": "accepted"], by: Double(accepted))
            context.metrics.increment("tandem_webhook_events_total", ["connection": context.name, "result": "ignored"], by: Double(ignored))
        }
        return .json(200, ["accepted": .int(Int64(accepted)), "ignored": .int(Int64(ignored))])
    }
}
