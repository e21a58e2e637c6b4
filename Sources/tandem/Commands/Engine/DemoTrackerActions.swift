import Foundation
import LocalDeployment
import TandemHTTP
import TandemJSON

/// Tracker actions the demo's later steps need beyond `TrackerClient`'s
/// JSON calls: attachments (multipart in Jira, raw bytes in ServiceNow).
/// Ready for the "attach" steps, which wait for attachment sync.
extension TrackerClient {
    struct Attachment: Equatable {
        let fileName: String
        let size: Int
    }

    /// Jira: POST /issue/{key}/attachments, multipart, with the XSRF header Jira wants.
    func attachToIssue(_ key: String, fileName: String, bytes: [UInt8], contentType: String = "text/plain") throws {
        let (body, multipartType) = Multipart.build([MultipartPart(name: "file", filename: fileName, contentType: contentType, body: bytes)])
        try send("POST", "/rest/api/2/issue/\(key)/attachments", body: body,
                 headers: ["Content-Type": multipartType, "X-Atlassian-Token": "no-check"])
    }

    func issueAttachments(_ key: String) throws -> [Attachment] {
        (try issue(key)["fields"]?["attachment"]?.arrayValue ?? []).map {
            Attachment(fileName: $0["filename"]?.stringValue ?? "", size: $0["size"]?.intValue ?? -1)
        }
    }

    /// ServiceNow: POST /api/now/attachment/file, the raw bytes.
    func attachToIncident(_ sysID: String, fileName: String, bytes: [UInt8], contentType: String = "text/plain") throws {
        let name = fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? fileName
        try send("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=\(sysID)&file_name=\(name)", body: bytes,
                 headers: ["Content-Type": contentType])
    }

    func incidentAttachments(_ sysID: String) throws -> [Attachment] {
        (try request("GET", "/api/now/attachment?sysparm_query=table_name=incident%5Etable_sys_id=\(sysID)")["result"]?.arrayValue ?? []).map {
            Attachment(fileName: $0["file_name"]?.stringValue ?? "", size: Int($0["size_bytes"]?.stringValue ?? "") ?? $0["size_bytes"]?.intValue ?? -1)
        }
    }

    private func send(_ method: String, _ path: String, body: [UInt8], headers extra: [String: String]) throws {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        headers["Accept"] = "application/json"
        for (name, value) in extra { headers[name] = value }
        let response = try HTTPClient().send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers, body: body))
        guard (200..<300).contains(response.status) else {
            throw DemoActionError(description: "\(method) \(path) → HTTP \(response.status): \(response.text)")
        }
    }
}

struct DemoActionError: Error, CustomStringConvertible {
    let description: String
}
