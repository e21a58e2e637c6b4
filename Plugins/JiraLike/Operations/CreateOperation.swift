import PluginKit

extension JiraConnector {
    /// `create` {"fields", "correlationId"?} → {"id","key","url"}.
    ///
    /// Project and issue type default from the configuration. The correlation
    /// id becomes the label `tandem-<id>` so `lookup` finds the issue after a
    /// crash between the create and its acknowledgement. A `status` other than
    /// the initial one is reached by a transition after the create.
    func create(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        var input = try jiraFields(try request.object("fields", for: "create"), for: "create")
        if input.fields["project"] == nil { input.fields["project"] = ["key": .string(config.project)] }
        if input.fields["issuetype"] == nil { input.fields["issuetype"] = ["name": .string(config.issueType)] }
        if let correlation = request.optionalString("correlationId") {
            let label = try Self.correlationLabel(correlation, for: "create")
            var labels = input.fields["labels"]?.arrayValue ?? []
            if !labels.contains(.string(label)) { labels.append(.string(label)) }
            input.fields["labels"] = .array(labels)
        }
        let created = try jira("create", "POST", "/issue", body: ["fields": .object(input.fields)])
        let id = JiraMapping.idText(created["id"])
        let key = created["key"]?.stringValue ?? ""
        guard !id.isEmpty else { throw .transient("create: Jira answered without an issue id") }
        if let status = input.status {
            try transition(id, to: status, for: "create")
        }
        return ["id": .string(id), "key": .string(key), "url": .string(config.browseURL(key))]
    }

    /// Jira labels cannot hold spaces; a correlation id is the node's own token.
    static func correlationLabel(_ correlation: String, for operation: String) throws(ConnectorError) -> String {
        guard !correlation.isEmpty, !correlation.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
            throw .invalid("\(operation): correlationId must be non-empty, without spaces or quotes")
        }
        return "tandem-" + correlation
    }
}
