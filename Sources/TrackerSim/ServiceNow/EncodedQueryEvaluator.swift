/// Runs an `EncodedQuery` against records (string-valued fields).
///
/// Terms on fields the table does not have are ignored (ServiceNow does the same,
/// and logs a warning); ordering on an unknown field is ignored too.
struct EncodedQueryEvaluator {
    let knownFields: Set<String>

    func matches(_ record: [String: String], _ query: EncodedQuery) -> Bool {
        query.queries.contains { clauses in
            clauses.allSatisfy { alternatives in alternatives.contains { term($0, record) } }
        }
    }

    func sort(_ records: [[String: String]], _ orders: [EncodedQuery.Order]) -> [[String: String]] {
        let effective = orders.filter { knownFields.contains($0.field) }
        guard !effective.isEmpty else { return records }
        return records.enumerated().sorted { a, b in
            for order in effective {
                let result = Self.compare(a.element[order.field] ?? "", b.element[order.field] ?? "")
                if result != 0 { return order.descending ? result > 0 : result < 0 }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Numbers compare numerically, everything else as text (datetimes are sortable text).
    static func compare(_ a: String, _ b: String) -> Int {
        if let x = Double(a), let y = Double(b), !a.isEmpty, !b.isEmpty { return x < y ? -1 : (x > y ? 1 : 0) }
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    private func term(_ term: EncodedQuery.Term, _ record: [String: String]) -> Bool {
        guard knownFields.contains(term.field) else { return true }
        let actual = record[term.field] ?? ""
        let lowerActual = actual.lowercased()
        let lowerValue = term.value.lowercased()
        switch term.op {
        case .equals: return actual == term.value
        case .notEquals: return actual != term.value
        case .less: return !actual.isEmpty && Self.compare(actual, term.value) < 0
        case .lessOrEqual: return !actual.isEmpty && Self.compare(actual, term.value) <= 0
        case .greater: return !actual.isEmpty && Self.compare(actual, term.value) > 0
        case .greaterOrEqual: return !actual.isEmpty && Self.compare(actual, term.value) >= 0
        case .like: return lowerActual.contains(lowerValue)
        case .notLike: return !lowerActual.contains(lowerValue)
        case .startsWith: return lowerActual.hasPrefix(lowerValue)
        case .endsWith: return lowerActual.hasSuffix(lowerValue)
        case .in: return term.value.split(separator: ",", omittingEmptySubsequences: false).contains { String($0) == actual }
        case .notIn: return !term.value.split(separator: ",", omittingEmptySubsequences: false).contains { String($0) == actual }
        case .isEmpty: return actual.isEmpty
        case .isNotEmpty: return !actual.isEmpty
        case .between:
            let bounds = term.value.split(separator: "@", maxSplits: 1).map(String.init)
            guard bounds.count == 2, !actual.isEmpty else { return false }
            return Self.compare(actual, bounds[0]) >= 0 && Self.compare(actual, bounds[1]) <= 0
        }
    }
}
