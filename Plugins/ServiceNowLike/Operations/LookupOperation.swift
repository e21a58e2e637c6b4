import PluginKit

extension ServiceNowConnector {
    /// `lookup` {"correlationId"} → {"id","key","url"} of the record whose
    /// `correlation_id` it is, or notFound.
    func lookup(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try preflight(for: "lookup")
        let correlation = try request.string("correlationId", for: "lookup")
        guard !correlation.contains("^") else { throw .invalid("lookup: correlationId must not contain '^'") }
        let rows = try now("lookup", "GET", "/table/\(config.table)", query: [
            ("sysparm_query", "correlation_id=\(correlation)^ORDERBYsys_created_on"), ("sysparm_fields", "sys_id,number"),
            ("sysparm_limit", "1"),
        ])
        guard let row = rows[0], let sysID = row["sys_id"]?.stringValue else {
            throw .notFound("lookup: no \(config.table) record has correlation_id \(correlation)")
        }
        return ["id": .string(sysID), "key": row["number"] ?? .null, "url": .string(config.recordURL(sysID))]
    }
}
