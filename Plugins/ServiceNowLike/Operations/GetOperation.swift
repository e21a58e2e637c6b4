import PluginKit

extension ServiceNowConnector {
    /// `get` {"id": sys_id} or {"key": number} → the entity.
    ///
    /// Cost: three requests, since the Table API has no join: the record
    /// (codes and labels in one read), its journal (`sys_journal_field`,
    /// comments and work notes) and its attachment list. Users referenced are
    /// looked up once per instance and then come from the cache. A `key` costs
    /// one more request (the number → sys_id query).
    func get(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try preflight(for: "get")
        let sysID = try resolveSysID(request, for: "get")
        let record = try now("get", "GET", "/table/\(config.table)/\(URLEncoding.component(sysID))", query: Self.readParameters)
        return try entity(record, comments: try journal(sysID, for: "get"), attachments: try attachmentList(sysID, for: "get"),
                          for: "get")
    }

    /// The sys_id named by `id`, or found by `key` (the record number).
    func resolveSysID(_ request: OperationRequest, for operation: String) throws(ConnectorError) -> String {
        if let id = request.optionalString("id"), !id.isEmpty { return id }
        guard let key = request.optionalString("key"), !key.isEmpty else { throw .invalid("\(operation): input needs \"id\" or \"key\"") }
        let rows = try now(operation, "GET", "/table/\(config.table)", query: [
            ("sysparm_query", "number=" + key), ("sysparm_fields", "sys_id"), ("sysparm_limit", "1"),
        ])
        guard let sysID = rows[0]?["sys_id"]?.stringValue else { throw .notFound("\(operation): no \(config.table) record has number \(key)") }
        return sysID
    }

    /// Comments (`comments`, public) and work notes (`work_notes`, internal), oldest first.
    func journal(_ sysID: String, for operation: String) throws(ConnectorError) -> [JSON] {
        let rows = try now(operation, "GET", "/table/sys_journal_field", query: [
            ("sysparm_query", "element_id=\(sysID)^elementINcomments,work_notes^ORDERBYsys_created_on"),
            ("sysparm_fields", "sys_id,element,value,sys_created_on,sys_created_by"),
        ])
        var comments: [JSON] = []
        for row in rows.arrayValue ?? [] {
            let author = try user(userName: row["sys_created_by"]?.stringValue ?? "", for: operation)
            comments.append([
                "id": row["sys_id"] ?? .null, "author": author, "body": row["value"] ?? "",
                "created": ServiceNowMapping.time(row["sys_created_on"]?.stringValue ?? ""),
                "internal": .bool(row["element"]?.stringValue == "work_notes"),
            ])
        }
        return comments
    }

    func attachmentList(_ sysID: String, for operation: String) throws(ConnectorError) -> [JSON] {
        let rows = try now(operation, "GET", "/attachment", query: [
            ("sysparm_query", "table_name=\(config.table)^table_sys_id=\(sysID)"),
        ])
        return (rows.arrayValue ?? []).map(ServiceNowMapping.attachment)
    }
}
