import PluginKit

extension ServiceNowConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor", "more"}.
    ///
    /// Encoded query `<query>^sys_updated_on>=<bound>^ORDERBYsys_updated_on^ORDERBYsys_id`
    /// (UTC, second resolution, so the bound is exact: the position's second, or
    /// for a new sweep the cursor minus the overlap), paged with
    /// sysparm_offset/sysparm_limit (500 a page) up to `limit` refs; `SearchPager`
    /// skips what it handed over before. ServiceNow applies the limit before
    /// ACLs, so a page may come back short, even empty, in the middle of the
    /// result: the offset moves by the page size asked, and paging ends once
    /// the offset passes `X-Total-Count` (which counts before ACLs), or at an
    /// empty page when the count is not sent. A query using `^NQ` is OR'ed as a
    /// whole by ServiceNow, so the time bound would apply to its last part
    /// only: such queries are refused.
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        guard !query.contains("^NQ") else {
            throw .invalid("search: queries with ^NQ cannot be bounded by time; write one query per connection")
        }
        let overlap = max(0, request.input["overlapSeconds"]?.intValue ?? 60)
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try request.searchCursor()
        // The ServiceNow offset after each page, by the pager's count of rows
        // read: they differ when ACLs hid rows of a page.
        var offsets: [Int: Int] = [:]
        let pager = SearchPager(pageSize: 500, floor: { (millis: Int64) throws(ConnectorError) -> Int64 in
            millis - ((millis % 1000) + 1000) % 1000
        }, fetch: { (page: SearchPager.PageRequest) throws(ConnectorError) -> SearchPager.Page in
            var terms: [String] = query.isEmpty ? [] : [query]
            if let bound = page.bound { terms.append("sys_updated_on>=" + Timestamp.spaced(bound)) }
            terms.append("ORDERBYsys_updated_on^ORDERBYsys_id")
            let offset = offsets[page.startAt] ?? page.startAt
            let (rows, total) = try self.nowList("search", "/table/\(self.config.table)", query: [
                ("sysparm_query", terms.joined(separator: "^")), ("sysparm_fields", "sys_id,number,sys_updated_on"),
                ("sysparm_limit", String(page.count)), ("sysparm_offset", String(offset)),
            ])
            offsets[page.startAt + rows.count] = offset + page.count
            var refs: [SearchRef] = []
            for row in rows {
                let text = row["sys_updated_on"]?.stringValue ?? ""
                guard let updated = Timestamp.parse(text) else {
                    throw .transient("search: ServiceNow sent a record with an unreadable sys_updated_on: '\(text)'")
                }
                refs.append(SearchRef(id: row["sys_id"]?.stringValue ?? "", key: row["number"]?.stringValue, updated: updated))
            }
            let isLast = total.map { offset + page.count >= $0 } ?? rows.isEmpty
            return SearchPager.Page(refs: refs, isLast: isLast)
        })
        return try pager.run(cursor: cursor, overlapMs: Int64(overlap) * 1000, limit: limit).json
    }
}
