import PluginKit

extension ServiceNowConnector {
    /// `attachment.get` {"id", "attachmentId"} → {"filename","mimeType","size"} + bytes.
    ///
    /// One request: `/attachment/{id}/file` answers the bytes with the metadata
    /// in `X-Attachment-Metadata`. An attachment of another record is notFound.
    func getAttachment(_ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        let sysID = try resolveSysID(request, for: "attachment.get")
        let attachmentID = try request.string("attachmentId", for: "attachment.get")
        let response = try sendAuthorized("attachment.get", "GET", "/api/now/attachment/\(URLEncoding.component(attachmentID))/file",
                                          headers: ["Accept": "*/*"])
        let meta = response.headers["x-attachment-metadata"].flatMap { try? JSON(parsing: $0) } ?? .object([:])
        if let owner = meta["table_sys_id"]?.stringValue, owner != sysID {
            throw .notFound("attachment.get: attachment \(attachmentID) does not belong to record \(sysID)")
        }
        return OperationResult([
            "filename": meta["file_name"] ?? "attachment",
            "mimeType": meta["content_type"] ?? .string(response.headers["content-type"] ?? "application/octet-stream"),
            "size": .int(Int64(response.body.count)),
        ], blob: response.body)
    }
}
