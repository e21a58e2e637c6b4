import PluginKit

extension ServiceNowConnector {
    /// `create` {"fields", "correlationId"?} → {"id","key","url"}: one POST.
    /// The correlation id is written to `correlation_id` for `lookup`.
    func create(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try preflight(for: "create")
        var body = try tableFields(try request.object("fields", for: "create"), for: "create")
        if let correlation = request.optionalString("correlationId") {
            guard !correlation.isEmpty, !correlation.contains("^") else {
                throw .invalid("create: correlationId must be non-empty and without '^'")
            }
            body["correlation_id"] = .string(correlation)
        }
        let record = try now("create", "POST", "/table/\(config.table)",
                             query: [("sysparm_fields", "sys_id,number")], body: .object(body))
        let sysID = ServiceNowMapping.value(record["sys_id"])
        guard !sysID.isEmpty else { throw .transient("create: ServiceNow answered without a sys_id") }
        return ["id": .string(sysID), "key": .string(ServiceNowMapping.value(record["number"])),
                "url": .string(config.recordURL(sysID))]
    }
}
