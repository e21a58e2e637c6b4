import PluginKit

/// Requests to `/api/now`, with ServiceNow's error envelope turned into messages.
extension ServiceNowConnector {
    /// A JSON request under `/api/now`; answers the envelope's `result`.
    func now(_ operation: String, _ method: String, _ path: String, query: [(String, String)] = [],
             body: JSON? = nil) throws(ConnectorError) -> JSON {
        var headers = ["Accept": "application/json"]
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try sendAuthorized(operation, method, URLEncoding.url("/api/now" + path, query), headers: headers,
                                          body: body?.serialized() ?? [])
        if response.body.isEmpty { return .null }
        let answer: JSON
        do { answer = try JSON(parsing: response.body) } catch {
            throw .transient("\(operation): tracker answered HTTP \(response.status) with a body that is not JSON (\(error.message))")
        }
        guard let result = answer["result"] else {
            throw .transient("\(operation): ServiceNow answered without a 'result' (is the instance hibernating?)")
        }
        return result
    }

    /// A list read under `/api/now`: the rows and `X-Total-Count` (the matches
    /// before ACLs, so an upper bound of what can come back), when sent.
    func nowList(_ operation: String, _ path: String, query: [(String, String)]) throws(ConnectorError) -> (rows: [JSON], total: Int?) {
        let response = try sendAuthorized(operation, "GET", URLEncoding.url("/api/now" + path, query),
                                          headers: ["Accept": "application/json"])
        let answer: JSON
        do { answer = try JSON(parsing: response.body) } catch {
            throw .transient("\(operation): ServiceNow answered HTTP \(response.status) with a body that is not JSON (\(error.message))")
        }
        guard let rows = answer["result"]?.arrayValue else {
            throw .transient("\(operation): ServiceNow answered without a 'result' list (is the instance hibernating?)")
        }
        return (rows, response.headers["x-total-count"].flatMap { Int($0) })
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
