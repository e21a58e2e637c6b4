/// A parsed JQL query: an optional condition and an ORDER BY list.
struct JQLQuery: Equatable {
    indirect enum Condition: Equatable {
        case and(Condition, Condition)
        case or(Condition, Condition)
        case not(Condition)
        case clause(field: String, op: Operator, values: [Value])
    }

    enum Operator: String, Equatable {
        case equals = "=", notEquals = "!=", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="
        case contains = "~", notContains = "!~", `in` = "in", notIn = "not in", `is` = "is", isNot = "is not"
    }

    enum Value: Equatable {
        case literal(String)
        case empty
        case function(String)
    }

    struct Order: Equatable {
        var field: String
        var ascending: Bool
    }

    var condition: Condition?
    var orderBy: [Order]
}

