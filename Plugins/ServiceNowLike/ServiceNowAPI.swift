import PluginKit

/// Requests to `/api/now`, with ServiceNow's error envelope turned into messages.
extension ServiceNowConnector {
    /// A JSON request under `/api/now`; answers the envelope's `result`.
    func now(_ operation: String, _ method: String, _ path: String, query: [(String, String)] = [],
             body: JSON? = nil) throws(ConnectorError) -> JSON {
        let answer: JSON
        do {
            answer = try host.sendJSON(operation, method, URLEncoding.url("/api/now" + path, query), headers: config.headers,
                                       body: body, trackerMessage: Self.trackerMessage)
        } catch {
            throw Self.dataPolicyAsInvalid(error)
        }
        if answer.isNull { return .null }
        guard let result = answer["result"] else {
            throw .transient("\(operation): ServiceNow answered without a 'result' (is the instance hibernating?)")
        }
        return result
    }

    /// ServiceNow's own words from `{"error":{"message","detail"},"status":"failure"}`.
    static func trackerMessage(_ response: ConnectorHost.Response) -> String {
        guard let envelope = try? JSON(parsing: response.body), let error = envelope["error"] else {
            return responseSnippet(response.body)
        }
        let message = error["message"]?.stringValue ?? ""
        let detail = (error["detail"]?.stringValue ?? "").trimmingCharacters()
        return detail.isEmpty ? message : "\(message): \(detail)"
    }

    /// A data policy refusal is a 403 about the record, not the credentials: invalid, not auth.
    static func dataPolicyAsInvalid(_ error: ConnectorError) -> ConnectorError {
        guard error.kind == .auth, error.message.contains("Data Policy Exception") else { return error }
        return .invalid(error.message)
    }

    /// `sysparm_*` that every record read uses: codes and labels, bare reference ids.
    static let readParameters: [(String, String)] = [
        ("sysparm_display_value", "all"), ("sysparm_exclude_reference_link", "true"),
    ]
}

extension String {
    func trimmingCharacters() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
