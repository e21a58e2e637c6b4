import PluginKit

extension JiraConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor"}.
    ///
    /// JQL: `(<query>) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC`,
    /// with an empty query meaning the configured project. Jira reads the literal
    /// at minute resolution in the searching user's zone, so the bound is the
    /// cursor minus the overlap (at least 60 s), floored to the minute, in that
    /// zone. Refs carry Jira's precise `updated`; the host de-duplicates repeats.
    /// Pages (100 a page, `searchPage`: offsets on Data Center, tokens on
    /// Cloud) until `limit` refs.
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        let overlap = max(60, request.input["overlapSeconds"]?.intValue ?? 60)
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try request.searchCursor()
        var jql = query.isEmpty ? "project = \"\(config.project)\"" : "(\(query))"
        if let cursor {
            let since = cursor - Int64(overlap) * 1000
            let zone = try searchZone(for: "search")
            jql += " AND updated >= \"\(Timestamp.jqlMinute(since, offsetSeconds: zone.offsetAt(since)))\""
        }
        jql += " ORDER BY updated ASC"

        var refs: [JSON] = []
        var newest = cursor
        var position: SearchPosition?
        while refs.count < limit {
            let pageSize = min(100, limit - refs.count)
            let page = try searchPage(jql, fields: "updated", pageSize: pageSize, at: position, for: "search")
            for issue in page.issues.prefix(pageSize) {
                let updatedText = issue["fields"]?["updated"]?.stringValue ?? ""
                guard let updated = Timestamp.parse(updatedText) else {
                    throw .transient("search: Jira sent an issue with an unreadable 'updated': '\(updatedText)'")
                }
                refs.append(["id": .string(JiraMapping.idText(issue["id"])), "key": issue["key"] ?? .null,
                             "updated": .string(Timestamp.iso(updated))])
                newest = max(newest ?? updated, updated)
            }
            position = page.next
            if position == nil { break }
        }
        return ["refs": .array(refs), "cursor": newest.map { .string(Timestamp.iso($0)) } ?? .null]
    }
}
