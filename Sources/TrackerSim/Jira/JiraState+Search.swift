import TandemTime

/// JQL search over the issues.
extension JiraState {
    /// Parses, validates and runs `jql` as `user`; the matching issues in order.
    ///
    /// A query ordered by `updated ASC` (then `key`/`id ASC`, the simulator's
    /// tie order either way) is served from `byUpdated`, starting at the
    /// query's own `updated >=`/`>` bound when it has one at the top level:
    /// a poll near the present reads only what changed since, however many
    /// issues there are. Any other order filters and sorts every issue.
    ///
    /// - Parameter requireBound: true for `/search/jql`, which refuses a query without a condition.
    func search(_ jql: String, user: String, requireBound: Bool = false) throws(JiraFailure) -> JiraMatches {
        let query: JQLQuery
        var evaluator = JQLEvaluator(catalog: catalog, currentUser: user, nowMillis: Timestamp.now())
        do {
            query = try JQLParser.parse(jql)
            try evaluator.validate(query)
        } catch {
            throw JiraFailure(400, error.message)
        }
        evaluator = evaluator.prepared(for: query.condition)
        if requireBound && query.condition == nil {
            throw JiraFailure(400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.")
        }
        if let id = exactIssue(query.condition) {
            // `id = N` / `key = K` AND'ed at the top level: one candidate, by index.
            let hit = issues[id].map { evaluator.matches($0, query.condition) } ?? false
            return JiraMatches(ids: hit ? [id] : [], issues: issues)
        }
        let cacheable = JQLEvaluator.isTimeless(query.condition)
        if cacheable, let last = lastSearch, last.query == jql, last.user == user, last.version == version {
            return JiraMatches(ids: last.ids, issues: issues)
        }
        var found: [Int] = []
        if Self.isUpdateOrder(query.orderBy) {
            for entry in byUpdated.entries(from: lowerBound(query.condition, evaluator)) {
                if let issue = issues[entry.id], evaluator.matches(issue, query.condition) { found.append(entry.id) }
            }
        } else {
            found = evaluator.sort(issues.values.filter { evaluator.matches($0, query.condition) }, by: query.orderBy).map(\.id)
        }
        lastSearch = cacheable ? (jql, user, version, found) : nil
        return JiraMatches(ids: found, issues: issues)
    }

    private static func isUpdateOrder(_ orders: [JQLQuery.Order]) -> Bool {
        guard let first = orders.first, ["updated", "updateddate"].contains(first.field), first.ascending else { return false }
        return orders.dropFirst().allSatisfy { ["key", "id", "issuekey"].contains($0.field) && $0.ascending } && orders.count <= 2
    }

    /// The issue named by an `id =`, `key =` or `issuekey =` clause AND'ed at
    /// the top level (-1 when it names none: nothing matches), else nil.
    private func exactIssue(_ condition: JQLQuery.Condition?) -> Int? {
        switch condition {
        case .and(let a, let b)?:
            return exactIssue(a) ?? exactIssue(b)
        case .clause(let field, .equals, let values)? where ["id", "key", "issuekey"].contains(field) && values.count == 1:
            guard case .literal(let text) = values[0] else { return nil }
            return (try? issue(text))?.id ?? -1
        default:
            return nil
        }
    }

    /// The largest `updated >=`/`>` literal among the clauses AND'ed at the top level.
    private func lowerBound(_ condition: JQLQuery.Condition?, _ evaluator: JQLEvaluator) -> Int64? {
        switch condition {
        case .and(let a, let b)?:
            return [lowerBound(a, evaluator), lowerBound(b, evaluator)].compactMap { $0 }.max()
        case .clause(let field, let op, let values)? where ["updated", "updateddate"].contains(field)
            && (op == .greaterOrEqual || op == .greater):
            guard case .literal(let text)? = values.first else { return nil }
            return evaluator.dateValue(text)
        default:
            return nil
        }
    }
}

/// A search's matches in order, as ids: a page copies only its own issues.
/// Valid while the state is not changed (it shares the state's dictionary).
struct JiraMatches: RandomAccessCollection {
    let ids: [Int]
    let issues: [Int: JiraIssue]

    var startIndex: Int { ids.startIndex }
    var endIndex: Int { ids.endIndex }
    subscript(position: Int) -> JiraIssue { issues[ids[position]]! }
}
