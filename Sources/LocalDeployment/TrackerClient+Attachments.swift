import Foundation
import TandemHTTP
import TandemJSON

/// Attachments through the simulators' own APIs: upload as a user would, list,
/// and download the stored bytes (what the attachment tests compare).
extension TrackerClient {
    /// One request with raw bytes in and out; throws on a non-2xx answer.
    public func rawRequest(_ method: String, _ path: String, body: [UInt8] = [], headers extra: HTTPHeaders = [:],
                           timeoutSeconds: Double = 60) throws -> HTTPClientResponse {
        var headers = extra
        headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        let response = try HTTPClient(maxIdleConnectionsPerHost: 0, caFile: caFile).send(HTTPClientRequest(
            method: method, url: baseURL + path, headers: headers, body: body, timeoutSeconds: timeoutSeconds))
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "\(method) \(path) → HTTP \(response.status): \(response.text.prefix(500))")
        }
        return response
    }

    // MARK: Jira

    /// Attaches `bytes` to issue `key`; returns the new attachment's id.
    @discardableResult
    public func attachToIssue(_ key: String, filename: String, bytes: [UInt8]) throws -> String {
        let (body, contentType) = Multipart.build([MultipartPart(name: "file", filename: filename,
                                                                 contentType: "application/octet-stream", body: bytes)])
        let response = try rawRequest("POST", "/rest/api/2/issue/\(key)/attachments", body: body,
                                      headers: ["Content-Type": contentType, "X-Atlassian-Token": "no-check"])
        return try JSON(parsing: response.body)[0]?["id"]?.stringValue ?? ""
    }

    /// The issue's attachments as Jira lists them (`id`, `filename`, `size`, …).
    public func issueAttachments(_ key: String) throws -> [JSON] {
        try request("GET", "/rest/api/2/issue/\(key)?fields=attachment")["fields"]?["attachment"]?.arrayValue ?? []
    }

    /// The stored bytes of a Jira attachment.
    public func jiraAttachmentBytes(_ id: String) throws -> [UInt8] {
        // redirect=false: Cloud (and its simulator) otherwise answers 303.
        try rawRequest("GET", "/rest/api/2/attachment/content/\(id)?redirect=false").body
    }

    // MARK: ServiceNow

    /// Attaches `bytes` to incident `sysID`; returns the attachment's sys_id.
    @discardableResult
    public func attachToIncident(_ sysID: String, filename: String, bytes: [UInt8]) throws -> String {
        let response = try rawRequest("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=\(filename)",
                                      body: bytes, headers: ["Content-Type": "application/octet-stream"])
        return try JSON(parsing: response.body)["result"]?["sys_id"]?.stringValue ?? ""
    }

    /// The incident's attachment records (`sys_id`, `file_name`, `size_bytes`, `hash`, …).
    public func incidentAttachments(_ sysID: String) throws -> [JSON] {
        try request("GET", "/api/now/attachment?sysparm_query=table_sys_id=\(sysID)")["result"]?.arrayValue ?? []
    }

    /// The stored bytes of a ServiceNow attachment.
    public func serviceNowAttachmentBytes(_ sysID: String) throws -> [UInt8] {
        try rawRequest("GET", "/api/now/attachment/\(sysID)/file").body
    }
}
