import PluginKit

extension ServiceNowConnector {
    /// `attachment.put` {"id", "filename", "mimeType"} + bytes → {"id","size"}:
    /// one POST of the raw bytes to `/attachment/file`.
    func putAttachment(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let sysID = try resolveSysID(request, for: "attachment.put")
        let filename = try request.string("filename", for: "attachment.put")
        let mimeType = request.optionalString("mimeType") ?? "application/octet-stream"
        guard let bytes = request.blob else { throw .invalid("attachment.put: the call carries no bytes (blob)") }
        let headers = ["Content-Type": mimeType, "Accept": "application/json"]
        let url = URLEncoding.url("/api/now/attachment/file", [
            ("table_name", config.table), ("table_sys_id", sysID), ("file_name", filename),
        ])
        let response = try sendAuthorized("attachment.put", "POST", url, headers: headers, body: bytes)
        guard let meta = (try? JSON(parsing: response.body))?["result"], let id = meta["sys_id"]?.stringValue else {
            throw .transient("attachment.put: ServiceNow answered without the stored attachment")
        }
        let size = meta["size_bytes"]?.stringValue.flatMap { Int($0) } ?? bytes.count
        return ["id": .string(id), "size": .int(Int64(size))]
    }
}
