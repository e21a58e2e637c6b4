import TandemHTTP
import TandemJSON

/// Attachment upload (multipart, XSRF header required), metadata, delete and content.
extension JiraSimulator {
    func registerAttachmentRoutes() {
        let maxBytes = configuration.maxAttachmentBytes
        api("POST", "/issue/{key}/attachments") { request, user, state in
            guard let token = request.headers["X-Atlassian-Token"]?.lowercased(), token == "no-check" || token == "nocheck" else {
                throw JiraFailure(403, "XSRF check failed")
            }
            guard let contentType = request.headers["Content-Type"], contentType.lowercased().hasPrefix("multipart/form-data") else {
                throw JiraFailure(415, "Attachments must be sent as multipart/form-data with a part named 'file'.")
            }
            let parts: [MultipartPart]
            do { parts = try Multipart.parse(body: request.body, contentType: contentType) } catch {
                throw JiraFailure(400, "The multipart body could not be read: \(error)")
            }
            let files = parts.filter { $0.name == "file" }
            guard !files.isEmpty else { throw JiraFailure(400, "No part named 'file' in the upload.") }
            for file in files where file.body.count > maxBytes {
                throw JiraFailure(413, "The file '\(file.filename ?? "file")' is \(file.body.count) bytes, over the attachment limit of \(maxBytes) bytes.")
            }
            let key = request.pathParameters["key"] ?? ""
            let stored = try state.transaction { () throws(JiraFailure) -> [JiraAttachment] in
                var stored: [JiraAttachment] = []
                for file in files {
                    stored.append(try state.addAttachment(key, filename: file.filename ?? "file", mimeType: file.contentType ?? "application/octet-stream",
                                                          bytes: file.body, user: user))
                }
                return stored
            }
            return .json(200, .array(stored.map(state.renderer.attachment)))
        }
        api("GET", "/attachment/{id}") { request, _, state in
            guard let id = Int(request.pathParameters["id"] ?? ""), let attachment = state.attachments[id] else {
                throw JiraFailure(404, "The attachment with id '\(request.pathParameters["id"] ?? "")' does not exist")
            }
            return .json(200, state.renderer.attachment(attachment))
        }
        api("DELETE", "/attachment/{id}") { request, user, state in
            try state.deleteAttachment(request.pathParameters["id"] ?? "", user: user)
            return HTTPResponse(status: 204)
        }
        api("GET", "/attachment/content/{id}", versions: ["2", "latest", "3"]) { request, _, state in
            let idText = request.pathParameters["id"] ?? ""
            // Cloud hands the bytes out elsewhere (303) unless asked not to redirect.
            guard state.catalog.cloud, request.query("redirect")?.lowercased() != "false" else {
                return try Self.content(idText, state: state)
            }
            guard let id = Int(idText), let attachment = state.attachments[id] else {
                throw JiraFailure(404, "The attachment with id '\(idText)' does not exist")
            }
            return HTTPResponse(status: 303, headers: [
                "Location": "\(state.baseURL)/secure/attachment/\(id)/\(percentEncodePathSegment(attachment.filename))",
            ])
        }
        for pattern in ["/secure/attachment/{id}/{filename}", "/secure/attachment/{id}"] {
            server.router.add("GET", pattern) { [weak self] request in
                guard let self else { return .error(503, "simulator stopped") }
                return self.withState { state in try Self.content(request.pathParameters["id"] ?? "", state: state) }
            }
        }
    }

    /// The stored bytes, exactly as uploaded, with the upload's content type.
    static func content(_ idText: String, state: JiraState) throws -> HTTPResponse {
        guard let id = Int(idText), let attachment = state.attachments[id], let bytes = try state.store.blob("jira-\(id)") else {
            throw JiraFailure(404, "The attachment with id '\(idText)' does not exist")
        }
        return HTTPResponse(status: 200, headers: [
            "Content-Type": attachment.mimeType,
            "Content-Disposition": "attachment; filename=\"\(attachment.filename.replacingQuotes())\"",
        ], body: bytes)
    }
}

private extension String {
    func replacingQuotes() -> String { String(map { $0 == "\"" ? "'" : $0 }) }
}
