import PluginKit

extension JiraConnector {
    /// `get` {"id"} or {"key"} → the entity, with comments and attachment
    /// metadata, in one request (`fields=*all,comment,attachment`).
    func get(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "get")
        let issue = try jira("get", "GET", "/issue/\(Self.segment(reference))", query: [("fields", "*all,comment,attachment")])
        return JiraMapping.entity(issue, browse: config.browseURL, emails: emailsByAccountID)
    }
}
