import PluginKit

extension JiraConnector {
    /// `update` {"id", "fields"} → {"id","key"} (Jira's PUT answers 204, no issue).
    ///
    /// Requests: one PUT for the plain fields (none when only `status` changes),
    /// plus GET + POST transitions for a `status`. Users given by email cost a
    /// user search the first time only.
    func update(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "update")
        let input = try jiraFields(try request.object("fields", for: "update"), for: "update")
        if !input.fields.isEmpty {
            _ = try jira("update", "PUT", "/issue/\(Self.segment(reference))", body: ["fields": .object(input.fields)])
        }
        if let status = input.status {
            try transition(reference, to: status, for: "update")
        }
        directory.rememberWrite(reference)
        var answer: [String: JSON] = ["id": .string(reference)]
        if let key = request.optionalString("key") { answer["key"] = .string(key) }
        if reference.contains("-") { answer["key"] = .string(reference) }
        return .object(answer)
    }
}
