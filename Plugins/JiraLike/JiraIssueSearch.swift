import PluginKit

/// JQL searches in the way each deployment serves them.
///
/// Data Center: `GET /search` with `startAt`/`maxResults`/`total`. Cloud:
/// `GET /search/jql` with `nextPageToken`/`isLast` (the old `/search` answers
/// 410 there); it returns only ids unless `fields` is given and is eventually
/// consistent, so every search names the issues this instance wrote lately in
/// `reconcileIssues`, which makes Jira include them as they are now.
extension JiraConnector {
    /// Where the next page starts.
    enum SearchPosition: Sendable, Equatable {
        case offset(Int)
        case token(String)
    }

    struct SearchPage {
        var issues: [JSON]
        /// nil on the last page.
        var next: SearchPosition?
    }

    /// One page of `jql` with `fields` (comma list) and, when given, the issue `properties`.
    func searchPage(_ jql: String, fields: String, properties: String? = nil, pageSize: Int,
                    at position: SearchPosition?, for operation: String) throws(ConnectorError) -> SearchPage {
        var query: [(String, String)] = [("jql", jql), ("maxResults", String(pageSize)), ("fields", fields)]
        if let properties { query.append(("properties", properties)) }
        if try deployment(for: operation) == .cloud {
            if case .token(let token)? = position { query.append(("nextPageToken", token)) }
            let recent = directory.recentlyWritten
            if !recent.isEmpty { query.append(("reconcileIssues", recent.joined(separator: ","))) }
            let page = try jira(operation, "GET", "/search/jql", query: query)
            let issues = page["issues"]?.arrayValue ?? []
            let token = page["nextPageToken"]?.stringValue ?? ""
            let last = page["isLast"]?.boolValue ?? token.isEmpty
            return SearchPage(issues: issues, next: last || token.isEmpty || issues.isEmpty ? nil : .token(token))
        }
        var startAt = 0
        if case .offset(let offset)? = position { startAt = offset }
        query.append(("startAt", String(startAt)))
        let page = try jira(operation, "GET", "/search", query: query)
        let issues = page["issues"]?.arrayValue ?? []
        let end = startAt + issues.count
        let total = page["total"]?.intValue ?? end
        return SearchPage(issues: issues, next: issues.isEmpty || end >= total ? nil : .offset(end))
    }
}
