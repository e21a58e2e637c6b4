import TandemJSON

/// One field change inside a changelog entry, in Jira's shape.
struct JiraChangeItem: Codable, Equatable {
    var field: String
    var fieldtype: String
    var fieldId: String
    var from: String?
    var fromString: String?
    var to: String?
    var toString: String?

    var json: JSON {
        .object([
            "field": .string(field), "fieldtype": .string(fieldtype), "fieldId": .string(fieldId),
            "from": from.map(JSON.string) ?? .null, "fromString": fromString.map(JSON.string) ?? .null,
            "to": to.map(JSON.string) ?? .null, "toString": toString.map(JSON.string) ?? .null,
        ])
    }
}
