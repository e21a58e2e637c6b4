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
        let emails = emailsByAccountID
        let actor = actorJSON.map { JiraMapping.user($0, emails: emails) } ?? .null
        let fields = issue["fields"]?.objectValue ?? [:]
        let updated = fields["updated"]?.stringValue.flatMap(Timestamp.parse) ?? payload["timestamp"]?.intValue.map(Int64.init)
        var result: [String: JSON] = [
            "kind": .string(kind), "id": .string(JiraMapping.idText(issue["id"])), "key": issue["key"] ?? .null,
            "updated": updated.map { .string(Timestamp.iso($0)) } ?? .null,
            "actor": actor, "byIntegrationUser": .bool(try isIntegrationUser(actorJSON, for: "webhook.parse")),
        ]
        if kind != "deleted", fields["comment"] != nil, fields["attachment"] != nil, fields["updated"] != nil {
            result["entity"] = JiraMapping.entity(issue, browse: config.browseURL, emails: emails)
        }
        return ["events": [.object(result)]]
    }

    /// Whether Jira's user object (a webhook's actor, a changelog author) is
    /// the integration user: the configured
    /// `integrationUser` (by name, key, accountId or email) when given; else on
    /// Data Center the basic-auth user, and on Cloud the account the connector
    /// signs in as, by the accountId `/myself` answers (asked once), since
    /// Cloud names actors by accountId and may hide their e-mail.
    func isIntegrationUser(_ user: JSON?, for operation: String) throws(ConnectorError) -> Bool {
        guard let user, user.objectValue != nil else { return false }
        func matches(_ wanted: String) -> Bool {
            ["name", "key", "accountId", "emailAddress"].contains { user[$0]?.stringValue?.lowercased() == wanted.lowercased() }
        }
        if let configured = config.integrationUser { return matches(configured) }
        if try deployment(for: operation) == .datacenter { return config.login.map(matches) ?? false }
        guard let accountID = user["accountId"]?.stringValue, !accountID.isEmpty else { return false }
        return try myAccountID(for: operation) == accountID
    }
}
