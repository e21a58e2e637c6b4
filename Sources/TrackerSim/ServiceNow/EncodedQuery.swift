/// A parsed ServiceNow encoded query (`sysparm_query`).
///
/// Shape: `^NQ` splits the text into queries that are OR'ed; inside one, `^` joins
/// terms with AND and `^OR` joins a term with OR to the one before, so
/// `a^ORb^c` means (a OR b) AND c. `ORDERBY<f>` / `ORDERBYDESC<f>` may appear anywhere.
struct EncodedQuery: Equatable {
    enum Operator: String, Equatable, CaseIterable {
        case equals = "=", notEquals = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case like = "LIKE", notLike = "NOT LIKE", startsWith = "STARTSWITH", endsWith = "ENDSWITH"
        case `in` = "IN", notIn = "NOT IN", isEmpty = "ISEMPTY", isNotEmpty = "ISNOTEMPTY", between = "BETWEEN"
    }

    struct Term: Equatable {
        var field: String
        var op: Operator
        var value: String
    }

    struct Order: Equatable {
        var field: String
        var descending: Bool
    }

    /// OR of queries; each query is an AND of clauses; each clause an OR of terms.
    var queries: [[[Term]]]
    var orderBy: [Order]

    var isEmpty: Bool { queries.allSatisfy { $0.isEmpty } }
}

