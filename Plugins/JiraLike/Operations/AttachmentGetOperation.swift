import PluginKit

extension JiraConnector {
    /// `attachment.get` {"id", "attachmentId"} → {"filename","mimeType","size"} + the bytes.
    ///
    /// Two requests: the metadata, then its `content` URL.
    func getAttachment(_ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        _ = try request.entityReference(for: "attachment.get")
        let attachmentID = try request.string("attachmentId", for: "attachment.get")
        let meta = try jira("attachment.get", "GET", "/attachment/\(URLEncoding.component(attachmentID))")
        let filename = meta["filename"]?.stringValue ?? "attachment"
        var content = meta["content"]?.stringValue ?? ""
        if !content.hasPrefix(config.common.baseUrl + "/") {
            // Jira may hand out its own idea of its base URL; the node only lets us reach the configured one.
            content = "/secure/attachment/\(URLEncoding.component(attachmentID))/\(URLEncoding.component(filename))"
        }
        let response = try host.send("attachment.get", "GET", content, headers: config.headers.merging(["Accept": "*/*"]) { $1 },
                                     trackerMessage: Self.trackerMessage)
        return OperationResult([
            "filename": .string(filename),
            "mimeType": meta["mimeType"] ?? "application/octet-stream",
            "size": .int(Int64(response.body.count)),
        ], blob: response.body)
    }
}
