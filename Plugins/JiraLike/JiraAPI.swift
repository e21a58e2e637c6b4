import PluginKit

/// Requests to `/rest/api/2`, with Jira's error envelope turned into messages.
extension JiraConnector {
    static let api = "/rest/api/2"

    /// A JSON request under `/rest/api/2`; `path` starts with `/`.
    func jira(_ operation: String, _ method: String, _ path: String, query: [(String, String)] = [],
              body: JSON? = nil) throws(ConnectorError) -> JSON {
        try host.sendJSON(operation, method, URLEncoding.url(Self.api + path, query), headers: config.headers,
                          body: body, trackerMessage: Self.trackerMessage)
    }

    /// Jira's own words from `{"errorMessages":[…],"errors":{field: text}}`.
    static func trackerMessage(_ response: ConnectorHost.Response) -> String {
        guard let envelope = try? JSON(parsing: response.body) else { return responseSnippet(response.body) }
        var parts = envelope["errorMessages"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for (field, text) in (envelope["errors"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            parts.append("\(field): \(text.stringValue ?? text.text)")
        }
        if parts.isEmpty, let message = envelope["message"]?.stringValue { parts.append(message) }
        return parts.isEmpty ? responseSnippet(response.body) : parts.joined(separator: "; ")
    }

    /// An issue id or key as one path segment.
    static func segment(_ idOrKey: String) -> String { URLEncoding.component(idOrKey) }
}
