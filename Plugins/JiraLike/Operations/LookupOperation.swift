import PluginKit

extension JiraConnector {
    /// `lookup` {"correlationId"} → {"id","key","url"} of the issue labelled
    /// `tandem-<correlationId>`, or notFound.
    func lookup(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let label = try Self.correlationLabel(try request.string("correlationId", for: "lookup"), for: "lookup")
        let jql = "project = \"\(config.project)\" AND labels = \"\(label)\" ORDER BY created ASC"
        let found = try jira("lookup", "GET", "/search", query: [("jql", jql), ("fields", "created"), ("maxResults", "1")])
        guard let issue = found["issues"]?[0] else {
            throw .notFound("lookup: no issue in \(config.project) carries the label \(label)")
        }
        let key = issue["key"]?.stringValue ?? ""
        return ["id": .string(JiraMapping.idText(issue["id"])), "key": .string(key), "url": .string(config.browseURL(key))]
    }
}
