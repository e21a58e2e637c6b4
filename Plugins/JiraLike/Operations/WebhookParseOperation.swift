import PluginKit

extension JiraConnector {
    /// `webhook.parse` {"headers", "body"} → {"events": [...]}.
    ///
    /// Reads Jira's `jira:issue_*`, `comment_*` and `attachment_*` payloads.
    /// Issue events carry the whole issue (all fields, comments, attachments),
    /// so their event includes the built entity; comment events carry only a
    /// few fields, so theirs does not. The actor is `user` (or the comment's
    /// author); `byIntegrationUser` compares it with the configured integration user.
    func parseWebhook(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let payload = try request.webhookPayload(from: "Jira")
        guard let event = payload["webhookEvent"]?.stringValue, let issue = payload["issue"], issue.objectValue != nil else {
            throw .invalid("webhook.parse: body is not a Jira issue webhook (no 'webhookEvent' and 'issue')")
        }
        let kind: String
        switch event {
        case "jira:issue_created": kind = "created"
        case "jira:issue_deleted": kind = "deleted"
        case "jira:issue_updated": kind = payload["issue_event_type_name"]?.stringValue == "issue_commented" ? "commented" : "updated"
        case "comment_created", "comment_updated", "comment_deleted": kind = "commented"
        case "attachment_created", "attachment_deleted": kind = "updated"
        default: throw .invalid("webhook.parse: Jira event '\(event)' is not about an issue")
        }
        let actorJSON = payload["user"] ?? payload["comment"]?["author"]
        let actor = actorJSON.map(JiraMapping.user) ?? .null
        let fields = issue["fields"]?.objectValue ?? [:]
        let updated = fields["updated"]?.stringValue.flatMap(Timestamp.parse) ?? payload["timestamp"]?.intValue.map(Int64.init)
        var result: [String: JSON] = [
            "kind": .string(kind), "id": .string(JiraMapping.idText(issue["id"])), "key": issue["key"] ?? .null,
            "updated": updated.map { .string(Timestamp.iso($0)) } ?? .null,
            "actor": actor, "byIntegrationUser": .bool(isIntegrationUser(actorJSON)),
        ]
        if kind != "deleted", fields["comment"] != nil, fields["attachment"] != nil, fields["updated"] != nil {
            result["entity"] = JiraMapping.entity(issue, browse: config.browseURL)
        }
        return ["events": [.object(result)]]
    }

    /// Whether Jira's user object is the configured integration user (by name, key, accountId or email).
    func isIntegrationUser(_ user: JSON?) -> Bool {
        guard let wanted = config.integrationUser?.lowercased(), let user else { return false }
        return ["name", "key", "accountId", "emailAddress"].contains { user[$0]?.stringValue?.lowercased() == wanted }
    }
}
