import PluginKit

extension JiraConnector {
    /// `comment.add` {"id", "body", "internal"?} → {"id"}. Jira has no internal
    /// comments without a role or group visibility, so `internal` is ignored.
    func addComment(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "comment.add")
        guard let body = request.input["body"]?.stringValue else {
            throw .invalid("comment.add: input member 'body' is missing or not a string")
        }
        let comment = try jira("comment.add", "POST", "/issue/\(Self.segment(reference))/comment", body: ["body": .string(body)])
        return ["id": .string(JiraMapping.idText(comment["id"]))]
    }
}
