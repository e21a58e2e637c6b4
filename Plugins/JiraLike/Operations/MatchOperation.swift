import PluginKit

extension JiraConnector {
    /// `match` {"query", "id"} → {"matches"}: whether issue `id` matches the
    /// JQL `query` (empty: the configured project) now.
    ///
    /// One request: a search (`searchPage`: `/search` on Data Center,
    /// `/search/jql` on Cloud) for `(<query>) AND id = <id>` with one result.
    /// The id must be Jira's numeric id, so it cannot change the JQL around it.
    func match(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        let id = try request.string("id", for: "match")
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .invalid("match: 'id' must be a numeric Jira issue id, not '\(id)'")
        }
        let scope = query.isEmpty ? "project = \"\(config.project)\"" : "(\(query))"
        let found = try searchPage("\(scope) AND id = \(id)", fields: "id", pageSize: 1, at: nil, for: "match").issues
        return ["matches": .bool(found.contains { JiraMapping.idText($0["id"]) == id })]
    }
}
