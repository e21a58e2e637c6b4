import TandemTime

/// JQL search over the issues.
extension JiraState {
    /// Parses, validates and runs `jql` as `user`; the matching issues in order.
    ///
    /// - Parameter requireBound: true for `/search/jql`, which refuses a query without a condition.
    func search(_ jql: String, user: String, requireBound: Bool = false) throws(JiraFailure) -> [JiraIssue] {
        let query: JQLQuery
        let evaluator = JQLEvaluator(catalog: catalog, currentUser: user, nowMillis: Timestamp.now())
        do {
            query = try JQLParser.parse(jql)
            try evaluator.validate(query)
        } catch {
            throw JiraFailure(400, error.message)
        }
        if requireBound && query.condition == nil {
            throw JiraFailure(400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
        }
        return evaluator.sort(issues.values.filter { evaluator.matches($0, query.condition) }, by: query.orderBy)
    }
}
