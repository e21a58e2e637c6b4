import PluginKit

extension JiraConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor", "more"}.
    ///
    /// JQL: `(<query>) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY updated ASC, key ASC`,
    /// with an empty query meaning the configured project. Jira reads the literal
    /// at minute resolution in the searching user's zone, so the bound is the
    /// floor of the position's minute in that zone (a new sweep: of the cursor
    /// minus the overlap, at least 60 s), and `SearchPager` skips what it handed
    /// over before. Pages of 100 through `searchPage`: offsets on Data Center,
    /// tokens on Cloud (which cannot seek, so a window is read from its start).
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        let overlap = max(60, request.input["overlapSeconds"]?.intValue ?? 60)
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try request.searchCursor()
        let scope = query.isEmpty ? "project = \"\(config.project)\"" : "(\(query))"
        let cloud = try deployment(for: "search") == .cloud
        // Where each page after the first starts: the token or offset the page before it named.
        var positions: [Int: SearchPosition] = [:]
        let pager = SearchPager(pageSize: 100, canSeek: !cloud, floor: { (millis: Int64) throws(ConnectorError) -> Int64 in
            let offsetMs = Int64(try self.searchZone(for: "search").offsetAt(millis)) * 1000
            return millis - (((millis + offsetMs) % 60_000) + 60_000) % 60_000
        }, fetch: { (page: SearchPager.PageRequest) throws(ConnectorError) -> SearchPager.Page in
            var jql = scope
            if let bound = page.bound {
                let zone = try self.searchZone(for: "search")
                jql += " AND updated >= \"\(Timestamp.jqlMinute(bound, offsetSeconds: zone.offsetAt(bound)))\""
            }
            jql += " ORDER BY updated ASC, key ASC"
            let position = page.startAt == 0 ? nil : positions[page.startAt] ?? .offset(page.startAt)
            let answer = try self.searchPage(jql, fields: "updated", pageSize: page.count, at: position, for: "search")
            if let next = answer.next { positions[page.startAt + answer.issues.count] = next }
            var refs: [SearchRef] = []
            for issue in answer.issues {
                let updatedText = issue["fields"]?["updated"]?.stringValue ?? ""
                guard let updated = Timestamp.parse(updatedText) else {
                    throw .transient("search: Jira sent an issue with an unreadable 'updated': '\(updatedText)'")
                }
                refs.append(SearchRef(id: JiraMapping.idText(issue["id"]), key: issue["key"]?.stringValue, updated: updated))
            }
            return SearchPager.Page(refs: refs, isLast: answer.next == nil)
        })
        return try pager.run(cursor: cursor, overlapMs: Int64(overlap) * 1000, limit: limit).json
    }
}
