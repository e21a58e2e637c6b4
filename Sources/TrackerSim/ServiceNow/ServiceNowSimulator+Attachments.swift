import TandemHTTP
import TandemJSON

/// The Attachment API: `/api/now/attachment…`.
extension ServiceNowSimulator {
    func registerAttachmentRoutes() {
        let maxBytes = configuration.maxAttachmentBytes
        api("POST", "/attachment/file") { request, user, state in
            var missing: [String] = []
            for name in ["table_name", "table_sys_id", "file_name"] where (request.query(name) ?? "").isEmpty { missing.append(name) }
            guard missing.isEmpty else {
                throw ServiceNowFailure(400, "Missing parameter: \(missing.joined(separator: ", "))", "table_name, table_sys_id and file_name are required")
            }
            guard let contentType = request.headers["Content-Type"], !contentType.isEmpty else {
                throw ServiceNowFailure(400, "Content-Type header is required", "Send the file's type, e.g. Content-Type: application/octet-stream")
            }
            guard request.body.count <= maxBytes else {
                throw ServiceNowFailure(413, "Attachment too large", "\(request.body.count) bytes is over the limit of \(maxBytes)")
            }
            let record = try state.addAttachment(table: request.query("table_name")!, tableSysID: request.query("table_sys_id")!,
                                                 fileName: request.query("file_name")!, contentType: contentType, bytes: request.body, user: user)
            return .json(201, ["result": ServiceNowRenderer(state: state).attachment(record)],
                         headers: ["Location": "\(state.baseURL)/api/now/attachment/\(record.sysID)"])
        }
        api("POST", "/attachment/upload") { request, user, state in
            guard let contentType = request.headers["Content-Type"], contentType.lowercased().hasPrefix("multipart/form-data") else {
                throw ServiceNowFailure(415, "Unsupported Media Type", "Upload needs multipart/form-data")
            }
            let parts: [MultipartPart]
            do { parts = try Multipart.parse(body: request.body, contentType: contentType) } catch {
                throw ServiceNowFailure(400, "Failed to read the multipart body", "\(error)")
            }
            func field(_ name: String) -> String? { parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.body, as: UTF8.self) } }
            guard let table = field("table_name"), let sysID = field("table_sys_id"), let file = parts.first(where: { $0.filename != nil }) else {
                throw ServiceNowFailure(400, "Missing parameter", "multipart upload needs table_name, table_sys_id and a file part")
            }
            guard file.body.count <= maxBytes else { throw ServiceNowFailure(413, "Attachment too large", nil) }
            let record = try state.addAttachment(table: table, tableSysID: sysID, fileName: file.filename ?? "file",
                                                 contentType: file.contentType ?? "application/octet-stream", bytes: file.body, user: user)
            return .json(201, ["result": ServiceNowRenderer(state: state).attachment(record)],
                         headers: ["Location": "\(state.baseURL)/api/now/attachment/\(record.sysID)"])
        }
        api("GET", "/attachment") { request, _, state in
            let rows = try Self.select(request, table: ServiceNowSchema.attachment, state: state)
            let renderer = ServiceNowRenderer(state: state)
            return try Self.listResponse(request, rows: rows, defaultLimit: 1000, state: state, render: renderer.attachment)
        }
        api("GET", "/attachment/{sys_id}") { request, _, state in
            .json(200, ["result": ServiceNowRenderer(state: state).attachment(try state.record("sys_attachment", request.pathParameters["sys_id"] ?? ""))])
        }
        api("GET", "/attachment/{sys_id}/file") { request, _, state in
            let sysID = request.pathParameters["sys_id"] ?? ""
            let record = try state.record("sys_attachment", sysID)
            let bytes = try state.attachmentBytes(sysID)
            return HTTPResponse(status: 200, headers: [
                "Content-Type": record.fields["content_type"] ?? "application/octet-stream",
                "X-Attachment-Metadata": ServiceNowRenderer(state: state).attachment(record).text,
            ], body: bytes)
        }
        api("DELETE", "/attachment/{sys_id}") { request, user, state in
            try state.delete("sys_attachment", request.pathParameters["sys_id"] ?? "", user: user)
            return HTTPResponse(status: 204)
        }
    }
}
