import PluginKit

extension JiraConnector {
    /// The issue property that holds the correlation id: `{"id": "<correlationId>"}`.
    static let correlationProperty = "tandem.correlation"

    /// `create` {"fields", "correlationId"?} → {"id","key","url"}.
    ///
    /// Project and issue type default from the configuration. The correlation
    /// id is kept twice, so `lookup` finds the issue after a crash between the
    /// create and its acknowledgement: as the issue property
    /// `tandem.correlation` (part of the create itself, allowed whatever the
    /// screens), and as the label `tandem-<id>`, which people see and JQL finds
    /// in one query. A project whose create screen lacks labels refuses the
    /// label (400 naming `labels`): the create is repeated without it, and
    /// later creates of this instance leave it out. A `status` other than the
    /// initial one is reached by a transition after the create.
    func create(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        var input = try jiraFields(try request.object("fields", for: "create"), for: "create")
        if input.fields["project"] == nil { input.fields["project"] = ["key": .string(config.project)] }
        if input.fields["issuetype"] == nil { input.fields["issuetype"] = ["name": .string(config.issueType)] }
        var body: [String: JSON] = [:]
        var withLabel = input.fields
        if let correlation = request.optionalString("correlationId") {
            let label = try Self.correlationLabel(correlation, for: "create")
            body["properties"] = [["key": .string(Self.correlationProperty), "value": ["id": .string(correlation)]]]
            var labels = input.fields["labels"]?.arrayValue ?? []
            if !labels.contains(.string(label)) { labels.append(.string(label)) }
            withLabel["labels"] = .array(labels)
        }
        let created: JSON
        if withLabel != input.fields && !directory.createRefusesLabels {
            body["fields"] = .object(withLabel)
            do {
                created = try jira("create", "POST", "/issue", body: .object(body))
            } catch where error.kind == .invalid && error.message.contains("labels:") && input.fields["labels"] == nil {
                host.log(.warn, "create: project \(config.project)'s create screen lacks labels; the correlation id stays in the issue property \(Self.correlationProperty) only")
                directory.rememberCreateRefusesLabels()
                body["fields"] = .object(input.fields)
                created = try jira("create", "POST", "/issue", body: .object(body))
            }
        } else {
            body["fields"] = .object(input.fields)
            created = try jira("create", "POST", "/issue", body: .object(body))
        }
        let id = JiraMapping.idText(created["id"])
        let key = created["key"]?.stringValue ?? ""
        guard !id.isEmpty else { throw .transient("create: Jira answered without an issue id") }
        directory.rememberWrite(id)
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
