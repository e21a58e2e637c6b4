import PluginKit

extension ServiceNowConnector {
    /// `match` {"query", "id"} → {"matches"}: whether record `id` of the
    /// configured table matches the encoded `query` now.
    ///
    /// One request for `<query>^sys_id=<id>` with one result. The id must be a
    /// sys_id (32 hex digits), so it cannot add terms to the query; a query
    /// with `^NQ` is refused as in `search` (the id would bind to its last part only).
    func match(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        guard !query.contains("^NQ") else {
            throw .invalid("match: queries with ^NQ cannot be narrowed to one record; write one query per connection")
        }
        let id = try request.string("id", for: "match")
        guard ServiceNowMapping.isSysID(id) else { throw .invalid("match: 'id' must be a sys_id (32 hex digits), not '\(id)'") }
        let rows = try now("match", "GET", "/table/\(config.table)", query: [
            ("sysparm_query", (query.isEmpty ? "" : query + "^") + "sys_id=" + id),
            ("sysparm_fields", "sys_id"), ("sysparm_limit", "1"), ("sysparm_no_count", "true"),
        ]).arrayValue ?? []
        return ["matches": .bool(rows.contains { $0["sys_id"]?.stringValue == id })]
    }
}
