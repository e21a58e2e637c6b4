import PluginKit

extension ServiceNowConnector {
    /// `comment.add` {"id", "body", "internal"} → {"id": the journal entry's sys_id}.
    ///
    /// Two requests: a PATCH writing `comments` (or `work_notes` when internal),
    /// which appends a journal entry, then the newest entry of that element with
    /// this text, for its id (the Table API does not return it).
    func addComment(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try preflight(for: "comment.add")
        let sysID = try resolveSysID(request, for: "comment.add")
        guard let body = request.input["body"]?.stringValue, !body.isEmpty else {
            throw .invalid("comment.add: input member 'body' is missing or empty (ServiceNow ignores empty journal entries)")
        }
        let element = request.input["internal"]?.boolValue == true ? "work_notes" : "comments"
        _ = try now("comment.add", "PATCH", "/table/\(config.table)/\(URLEncoding.component(sysID))",
                    query: [("sysparm_fields", "sys_id")], body: [element: .string(body)])
        let rows = try now("comment.add", "GET", "/table/sys_journal_field", query: [
            ("sysparm_query", "element_id=\(sysID)^element=\(element)^ORDERBYDESCsys_created_on"),
            ("sysparm_fields", "sys_id,value,sys_created_by"), ("sysparm_limit", "20"),
        ])
        let mine = rows.arrayValue?.filter { $0["value"]?.stringValue == body } ?? []
        guard let entry = mine.first else {
            throw .transient("comment.add: the comment was written but its journal entry was not found yet")
        }
        return ["id": entry["sys_id"] ?? .null]
    }
}
