import PluginKit

extension ServiceNowConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor"}.
    ///
    /// Encoded query `<query>^sys_updated_on>=<cursor − overlap>^ORDERBYsys_updated_on`
    /// (UTC, second resolution), paged with sysparm_offset/sysparm_limit (500 a
    /// page) until `limit` refs. ServiceNow applies the limit before ACLs, so a
    /// page may come back short, even empty, in the middle of the result: the
    /// offset moves by the page size asked, and paging ends once the offset
    /// passes `X-Total-Count` (which counts before ACLs, so a wholly hidden page
    /// does not end it), or at an empty page when the count is not sent. A
    /// query using `^NQ` is OR'ed as a whole by ServiceNow, so the time bound
    /// would apply to its last part only: such queries are refused.
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        guard !query.contains("^NQ") else {
            throw .invalid("search: queries with ^NQ cannot be bounded by time; write one query per connection")
        }
        let overlap = max(0, request.input["overlapSeconds"]?.intValue ?? 60)
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try request.searchCursor()
        var terms: [String] = query.isEmpty ? [] : [query]
        if let cursor { terms.append("sys_updated_on>=" + Timestamp.spaced(cursor - Int64(overlap) * 1000)) }
        terms.append("ORDERBYsys_updated_on")
        let encoded = terms.joined(separator: "^")

        var refs: [JSON] = []
        var newest = cursor
        var offset = 0
        while refs.count < limit {
            let pageSize = min(500, limit - refs.count)
            let (rows, total) = try nowList("search", "/table/\(config.table)", query: [
                ("sysparm_query", encoded), ("sysparm_fields", "sys_id,number,sys_updated_on"),
                ("sysparm_limit", String(pageSize)), ("sysparm_offset", String(offset)),
            ])
            for row in rows {
                let text = row["sys_updated_on"]?.stringValue ?? ""
                guard let updated = Timestamp.parse(text) else {
                    throw .transient("search: ServiceNow sent a record with an unreadable sys_updated_on: '\(text)'")
                }
                refs.append(["id": row["sys_id"] ?? .null, "key": row["number"] ?? .null, "updated": .string(Timestamp.iso(updated))])
                newest = max(newest ?? updated, updated)
            }
            offset += pageSize
            if let total, offset >= total { break }
            if total == nil && rows.isEmpty { break }
        }
        return ["refs": .array(refs), "cursor": newest.map { .string(Timestamp.iso($0)) } ?? .null]
    }
}
