import PluginKit

extension JiraConnector {
    /// `attachment.put` {"id", "filename", "mimeType"} + bytes → {"id","size"}.
    ///
    /// One multipart request with part `file` and `X-Atlassian-Token: no-check`
    /// (without it Jira refuses the upload as XSRF).
    func putAttachment(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "attachment.put")
        let filename = try request.string("filename", for: "attachment.put")
        let mimeType = request.optionalString("mimeType") ?? "application/octet-stream"
        guard let bytes = request.blob else { throw .invalid("attachment.put: the call carries no bytes (blob)") }
        let multipart = MultipartBody(name: "file", filename: filename, mimeType: mimeType, content: bytes)
        var headers = config.headers
        headers["X-Atlassian-Token"] = "no-check"
        headers["Content-Type"] = multipart.contentType
        headers["Accept"] = "application/json"
        let response = try host.send("attachment.put", "POST", "\(Self.api)/issue/\(Self.segment(reference))/attachments",
                                     headers: headers, body: multipart.bytes, trackerMessage: Self.trackerMessage)
        directory.rememberWrite(reference)
        let answer: JSON
        do { answer = try JSON(parsing: response.body) } catch {
            throw .transient("attachment.put: Jira answered with a body that is not JSON (\(error.message))")
        }
        guard let stored = answer[0] ?? (answer["id"] != nil ? Optional(answer) : nil) else {
            throw .transient("attachment.put: Jira answered without the stored attachment")
        }
        return ["id": .string(JiraMapping.idText(stored["id"])), "size": .int(Int64(stored["size"]?.intValue ?? bytes.count))]
    }
}
