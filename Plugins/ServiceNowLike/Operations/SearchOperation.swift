import PluginKit

extension ServiceNowConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor", "more"}.
    ///
    /// Encoded query `<query>^sys_updated_on>=<bound>^ORDERBYsys_updated_on^ORDERBYsys_id`
    /// (UTC, second resolution, so the bound is exact: the position's second, or
    /// for a new sweep the cursor minus the overlap), paged with
    /// sysparm_offset/sysparm_limit (500 a page) up to `limit` refs; `SearchPager`
    /// skips what it handed over before. A query using `^NQ` is OR'ed as a
    /// whole by ServiceNow, so the time bound would apply to its last part only:
    /// such queries are refused.
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        guard !query.contains("^NQ") else {
            throw .invalid("search: queries with ^NQ cannot be bounded by time; write one query per connection")
        }
        let overlap = max(0, request.input["overlapSeconds"]?.intValue ?? 60)
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try request.searchCursor()
        let pager = SearchPager(pageSize: 500, floor: { (millis: Int64) throws(ConnectorError) -> Int64 in
            millis - ((millis % 1000) + 1000) % 1000
        }, fetch: { (page: SearchPager.PageRequest) throws(ConnectorError) -> SearchPager.Page in
            var terms: [String] = query.isEmpty ? [] : [query]
            if let bound = page.bound { terms.append("sys_updated_on>=" + Timestamp.spaced(bound)) }
            terms.append("ORDERBYsys_updated_on^ORDERBYsys_id")
            let rows = try self.now("search", "GET", "/table/\(self.config.table)", query: [
                ("sysparm_query", terms.joined(separator: "^")), ("sysparm_fields", "sys_id,number,sys_updated_on"),
                ("sysparm_limit", String(page.count)), ("sysparm_offset", String(page.startAt)), ("sysparm_no_count", "true"),
            ]).arrayValue ?? []
            var refs: [SearchRef] = []
            for row in rows {
                let text = row["sys_updated_on"]?.stringValue ?? ""
                guard let updated = Timestamp.parse(text) else {
                    throw .transient("search: ServiceNow sent a record with an unreadable sys_updated_on: '\(text)'")
                }
                refs.append(SearchRef(id: row["sys_id"]?.stringValue ?? "", key: row["number"]?.stringValue, updated: updated))
            }
            return SearchPager.Page(refs: refs, isLast: rows.count < page.count)
        })
        return try pager.run(cursor: cursor, overlapMs: Int64(overlap) * 1000, limit: limit).json
    }
}
