import PluginKit

extension JiraConnector {
    /// `match` {"query", "id"} → {"matches"}: whether issue `id` matches the
    /// JQL `query` (empty: the configured project) now.
    ///
    /// One request: `search` for `(<query>) AND id = <id>` with one result.
    /// The id must be Jira's numeric id, so it cannot change the JQL around it.
    func match(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        let id = try request.string("id", for: "match")
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .invalid("match: 'id' must be a numeric Jira issue id, not '\(id)'")
        }
        let scope = query.isEmpty ? "project = \"\(config.project)\"" : "(\(query))"
        let page = try jira("match", "GET", "/search", query: [
            ("jql", "\(scope) AND id = \(id)"), ("startAt", "0"), ("maxResults", "1"), ("fields", "id"),
        ])
        let found = page["issues"]?.arrayValue ?? []
        return ["matches": .bool(found.contains { JiraMapping.idText($0["id"]) == id })]
    }
}
