import PluginKit

extension ServiceNowConnector {
    /// `update` {"id", "fields"} → the updated entity's id, key, url, updated
    /// and fields, from the PATCH answer itself (one request; comments and
    /// attachments are not part of that answer, so they are absent).
    func update(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let sysID = try resolveSysID(request, for: "update")
        let body = try tableFields(try request.object("fields", for: "update"), for: "update")
        let record = try now("update", "PATCH", "/table/\(config.table)/\(URLEncoding.component(sysID))",
                             query: Self.readParameters, body: .object(body))
        return try entity(record, comments: nil, attachments: nil, for: "update")
    }
}
