import PluginKit

extension JiraConnector {
    /// `comment.add` {"id", "body", "internal"?} → {"id"}.
    ///
    /// An internal comment carries the comment property `sd.public.comment` =
    /// `{"internal": true}`, which Jira Service Management shows as an internal
    /// note (`jsdPublic: false`) on Cloud and Data Center alike. The property is
    /// part of the create, so the comment is never public, not even for a moment.
    func addComment(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "comment.add")
        guard let body = request.input["body"]?.stringValue else {
            throw .invalid("comment.add: input member 'body' is missing or not a string")
        }
        var payload: [String: JSON] = ["body": .string(body)]
        if request.input["internal"]?.boolValue == true {
            payload["properties"] = [["key": "sd.public.comment", "value": ["internal": true]]]
        }
        let comment = try jira("comment.add", "POST", "/issue/\(Self.segment(reference))/comment", body: .object(payload))
        directory.rememberWrite(reference)
        return ["id": .string(JiraMapping.idText(comment["id"]))]
    }
}
