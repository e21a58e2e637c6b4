import PluginKit

extension ServiceNowConnector {
    /// `create` {"fields", "correlationId"?} → the new entity's id, key, url,
    /// updated, version and fields, from the POST answer itself (one request;
    /// its journal and attachments are not part of that answer, so they are
    /// absent). The correlation id is written to `correlation_id` for `lookup`.
    func create(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        try preflight(for: "create")
        var body = try tableFields(try request.object("fields", for: "create"), for: "create")
        if let correlation = request.optionalString("correlationId") {
            guard !correlation.isEmpty, !correlation.contains("^") else {
                throw .invalid("create: correlationId must be non-empty and without '^'")
            }
            body["correlation_id"] = .string(correlation)
        }
        let record = try now("create", "POST", "/table/\(config.table)", query: Self.readParameters, body: .object(body))
        guard !ServiceNowMapping.value(record["sys_id"]).isEmpty else { throw .transient("create: ServiceNow answered without a sys_id") }
        return try entity(record, comments: nil, attachments: nil, for: "create")
    }
}
