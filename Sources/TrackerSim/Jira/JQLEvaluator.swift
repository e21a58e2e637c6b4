import TandemTime

/// Runs a parsed JQL query against issues: `matches` filters, `sort` orders.
///
/// Every field in the subset is checked up front (`validate`), so an unknown field
/// gives a 400 even when there are no issues to test it on.
struct JQLEvaluator {
    let catalog: JiraCatalog
    let currentUser: String
    let nowMillis: Int64
    /// What `project` clauses compare with: the same for every issue.
    private let projectValues: [String]
    /// The query's date literals, read once by `prepared` instead of once per issue.
    private var dates: [String: Int64] = [:]

    init(catalog: JiraCatalog, currentUser: String, nowMillis: Int64) {
        self.catalog = catalog
        self.currentUser = currentUser
        self.nowMillis = nowMillis
        projectValues = [catalog.projectKey.lowercased(), catalog.projectID, catalog.projectName.lowercased()]
    }

    /// This evaluator with the date literals of `condition` already read.
    func prepared(for condition: JQLQuery.Condition?) -> JQLEvaluator {
        var copy = self
        func walk(_ condition: JQLQuery.Condition) {
            switch condition {
            case .and(let a, let b), .or(let a, let b): walk(a); walk(b)
            case .not(let inner): walk(inner)
            case .clause(let field, _, let values):
                guard isDateField(field) else { return }
                for case .literal(let text) in values { copy.dates[text] = dateValue(text) }
            }
        }
        if let condition { walk(condition) }
        return copy
    }

    /// True when the condition's answer depends on nothing but the issues:
    /// every date literal absolute (no `-14d`, which moves with the clock).
    static func isTimeless(_ condition: JQLQuery.Condition?) -> Bool {
        switch condition {
        case nil: return true
        case .and(let a, let b)?, .or(let a, let b)?: return isTimeless(a) && isTimeless(b)
        case .not(let inner)?: return isTimeless(inner)
        case .clause(let field, _, let values)?:
            guard ["updated", "created", "updateddate", "createddate"].contains(field) else { return true }
            return values.allSatisfy { value in
                if case .literal(let text) = value { return Timestamp.parseLiteral(text) != nil }
                return true
            }
        }
    }

    static let fields: Set<String> = [
        "project", "key", "issuekey", "id", "status", "labels", "updated", "created", "summary", "description",
        "text", "assignee", "reporter", "issuetype", "type", "priority", "resolution", "remote key",
        "cf[10010]", "customfield_10010", "updateddate", "createddate",
    ]
    static let sortFields: Set<String> = ["updated", "created", "key", "id", "issuekey", "priority", "status", "summary", "updateddate", "createddate"]

    func validate(_ query: JQLQuery) throws(JQLError) {
        func walk(_ condition: JQLQuery.Condition) throws(JQLError) {
            switch condition {
            case .and(let a, let b), .or(let a, let b): try walk(a); try walk(b)
            case .not(let inner): try walk(inner)
            case .clause(let field, let op, let values):
                guard Self.fields.contains(field) else {
                    throw JQLError(message: "Field '\(field)' does not exist or you do not have permission to view it.")
                }
                if isDateField(field) {
                    for case .literal(let text) in values where dateValue(text) == nil {
                        throw JQLError(message: "Date value '\(text)' for field '\(field)' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.")
                    }
                }
                if (op == .contains || op == .notContains) && !["summary", "description", "text", "remote key", "cf[10010]", "customfield_10010"].contains(field) {
                    throw JQLError(message: "The operator '\(op.rawValue)' is not supported by the '\(field)' field.")
                }
            }
        }
        if let condition = query.condition { try walk(condition) }
        for order in query.orderBy where !Self.sortFields.contains(order.field) {
            throw JQLError(message: "Not able to sort using field '\(order.field)'.")
        }
    }

    func matches(_ issue: JiraIssue, _ condition: JQLQuery.Condition?) -> Bool {
        guard let condition else { return true }
        switch condition {
        case .and(let a, let b): return matches(issue, a) && matches(issue, b)
        case .or(let a, let b): return matches(issue, a) || matches(issue, b)
        case .not(let inner): return !matches(issue, inner)
        case .clause(let field, let op, let values): return clause(issue, field, op, values)
        }
    }

    func sort(_ issues: [JiraIssue], by orders: [JQLQuery.Order]) -> [JiraIssue] {
        // Without ORDER BY, Jira answers newest key first; the id is the final tie-breaker.
        let effective = orders.isEmpty ? [JQLQuery.Order(field: "key", ascending: false)] : orders
        return issues.sorted { a, b in
            for order in effective {
                let result = compare(a, b, order.field)
                if result != 0 { return order.ascending ? result < 0 : result > 0 }
            }
            return a.id < b.id
        }
    }

    // MARK: - Clauses

    private func isDateField(_ field: String) -> Bool {
        ["updated", "created", "updateddate", "createddate"].contains(field)
    }

    /// An absolute literal (UTC) or a relative period such as `-5d`, `-2h`, `-30m`, `-1w`.
    func dateValue(_ text: String) -> Int64? {
        if let absolute = Timestamp.parseLiteral(text) { return absolute }
        var body = Substring(text.trimmingSpaces())
        var sign: Int64 = 1
        if body.first == "-" { sign = -1; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        guard let unit = body.last, let amount = Int64(body.dropLast()) else { return nil }
        let unitMillis: Int64
        switch unit {
        case "m": unitMillis = 60_000
        case "h": unitMillis = 3_600_000
        case "d": unitMillis = 86_400_000
        case "w": unitMillis = 604_800_000
        default: return nil
        }
        return nowMillis + sign * amount * unitMillis
    }

    /// The issue's value(s) for `field`, as strings to compare, lower-cased where Jira ignores case.
    private func candidates(_ issue: JiraIssue, _ field: String) -> [String] {
        switch field {
        case "project":
            return projectValues
        case "key", "issuekey", "id":
            return [issue.key.lowercased(), String(issue.id)]
        case "status":
            let status = catalog.status(issue.statusID)
            return [issue.statusID, status?.name.lowercased() ?? ""]
        case "labels": return issue.labels.map { $0.lowercased() }
        case "assignee": return issue.assignee.map { [$0.lowercased(), catalog.user($0)?.accountID.lowercased() ?? ""] } ?? []
        case "reporter": return [issue.reporter.lowercased(), catalog.user(issue.reporter)?.accountID.lowercased() ?? ""]
        case "issuetype", "type": return [issue.issueTypeID, catalog.issueType(issue.issueTypeID)?.name.lowercased() ?? ""]
        case "priority": return [issue.priorityID, catalog.priority(issue.priorityID)?.name.lowercased() ?? ""]
        case "resolution":
            return issue.resolutionID.map { [$0, catalog.resolution($0)?.name.lowercased() ?? ""] } ?? []
        case "summary": return [issue.summary.lowercased()]
        case "description": return issue.description.map { [$0.lowercased()] } ?? []
        case "text": return [issue.summary.lowercased()] + (issue.description.map { [$0.lowercased()] } ?? [])
        case "remote key", "cf[10010]", "customfield_10010":
            return issue.customValue(catalog.remoteKeyField).stringValue.map { [$0.lowercased()] } ?? []
        default: return []
        }
    }

    private func literalValue(_ value: JQLQuery.Value) -> String? {
        switch value {
        case .literal(let text): return text.lowercased()
        case .function(let name) where name == "currentuser": return currentUser.lowercased()
        case .empty, .function: return nil
        }
    }

    private func clause(_ issue: JiraIssue, _ field: String, _ op: JQLQuery.Operator, _ values: [JQLQuery.Value]) -> Bool {
        if isDateField(field) {
            let actual = field.hasPrefix("updated") ? issue.updated : issue.created
            guard case .literal(let text)? = values.first, let bound = dates[text] ?? dateValue(text) else {
                return op == .isNot
            }
            switch op {
            case .equals: return actual / 60_000 == bound / 60_000
            case .notEquals: return actual / 60_000 != bound / 60_000
            case .greater: return actual > bound
            case .greaterOrEqual: return actual >= bound
            case .less: return actual < bound
            case .lessOrEqual: return actual <= bound
            case .in, .notIn, .contains, .notContains, .is, .isNot: return false
            }
        }
        let have = candidates(issue, field).filter { !$0.isEmpty }
        if field == "resolution", values.contains(.literal("unresolved")) || values.contains(.literal("Unresolved")) {
            let unresolved = issue.resolutionID == nil
            return op == .equals || op == .in ? unresolved : !unresolved
        }
        switch op {
        case .is: return have.isEmpty
        case .isNot: return !have.isEmpty
        case .equals, .in:
            if values.contains(.empty) && have.isEmpty { return true }
            return values.compactMap(literalValue).contains { have.contains($0) }
        case .notEquals, .notIn:
            if values.contains(.empty) { return !have.isEmpty }
            // Jira: `!=` never matches an issue whose field is empty.
            return !have.isEmpty && !values.compactMap(literalValue).contains { have.contains($0) }
        case .contains:
            return values.compactMap(literalValue).contains { needle in have.contains { $0.contains(needle.trimmingCharacters(in: "*")) } }
        case .notContains:
            return !values.compactMap(literalValue).contains { needle in have.contains { $0.contains(needle.trimmingCharacters(in: "*")) } }
        case .greater, .greaterOrEqual, .less, .lessOrEqual:
            guard let value = values.first.flatMap(literalValue), let mine = have.first else { return false }
            let ordering = compareText(mine, value)
            switch op {
            case .greater: return ordering > 0
            case .greaterOrEqual: return ordering >= 0
            case .less: return ordering < 0
            default: return ordering <= 0
            }
        }
    }

    /// Compares numerically when both sides are numbers, else key-aware (SUP-9 < SUP-10), else as text.
    private func compareText(_ a: String, _ b: String) -> Int {
        if let x = Int(a), let y = Int(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if let dashA = a.lastIndex(of: "-"), let dashB = b.lastIndex(of: "-"),
           a[..<dashA] == b[..<dashB], let x = Int(a[a.index(after: dashA)...]), let y = Int(b[b.index(after: dashB)...]) {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    private func compare(_ a: JiraIssue, _ b: JiraIssue, _ field: String) -> Int {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch field {
        case "updated", "updateddate": return order(a.updated, b.updated)
        case "created", "createddate": return order(a.created, b.created)
        case "key", "id", "issuekey": return order(a.id, b.id)
        case "priority": return order(Int(a.priorityID) ?? 0, Int(b.priorityID) ?? 0)
        case "status": return order(a.statusID, b.statusID)
        case "summary": return order(a.summary.lowercased(), b.summary.lowercased())
        default: return 0
        }
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
