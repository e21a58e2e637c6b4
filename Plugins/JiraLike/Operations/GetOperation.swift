import PluginKit

extension JiraConnector {
    /// `get` {"id"} or {"key"} → the entity, with comments and attachment
    /// metadata, in one request (`fields=*all,comment,attachment`).
    ///
    /// With `"authors": true` the same request expands the changelog, and the
    /// entity names in `changedByConnector` the fields whose newest change
    /// was made by the integration user (`isIntegrationUser`): a status the
    /// connector's own transition left half-way is told from a person's.
    func get(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let reference = try request.entityReference(for: "get")
        let authors = request.input["authors"] ?? .null
        guard authors.isNull || authors.boolValue != nil else { throw .invalid("get: 'authors' must be true or false") }
        var query = [("fields", "*all,comment,attachment")]
        if authors.boolValue == true { query.append(("expand", "changelog")) }
        let issue = try jira("get", "GET", "/issue/\(Self.segment(reference))", query: query)
        var entity = JiraMapping.entity(issue, browse: config.browseURL, emails: emailsByAccountID)
        if authors.boolValue == true,
           let lastAuthors = JiraChangelog.lastAuthors(issue["changelog"], fields: Set(entity["fields"]?.objectValue?.keys.map { $0 } ?? [])) {
            var own: [String] = []
            for (field, author) in lastAuthors.sorted(by: { $0.key < $1.key }) {
                if try isIntegrationUser(author, for: "get") { own.append(field) }
            }
            entity["changedByConnector"] = .array(own.map(JSON.string))
        }
        return entity
    }
}
