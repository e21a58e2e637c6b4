import TandemJSON

/// One Jira issue as the simulator stores it. Ids are numeric; `key` is PROJECT-N.
struct JiraIssue: Codable, Equatable {
    var id: Int
    var key: String
    var projectID: String
    var issueTypeID: String
    var summary: String
    var description: String?
    var priorityID: String
    var statusID: String
    var resolutionID: String?
    var assignee: String?
    var reporter: String
    var labels: [String]
    var dueDate: String?
    var created: Int64
    var updated: Int64
    /// Custom field values by id (`customfield_10010`), as JSON text so any shape survives.
    var customFields: [String: String]
    var histories: [JiraHistory]

    func customValue(_ id: String) -> JSON {
        guard let text = customFields[id], let value = try? JSON(parsing: text) else { return .null }
        return value
    }
}

/// One changelog entry: who changed what, when.
struct JiraHistory: Codable, Equatable {
    var id: Int
    var author: String
    var created: Int64
    var items: [JiraChangeItem]
}

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

/// A comment on an issue; ids are unique per instance.
struct JiraComment: Codable, Equatable {
    var id: Int
    var issueID: Int
    var author: String
    var updateAuthor: String
    var body: String
    var created: Int64
    var updated: Int64
}

/// Attachment metadata; the bytes live in the store's blob table under `"jira-\(id)"`.
struct JiraAttachment: Codable, Equatable {
    var id: Int
    var issueID: Int
    var filename: String
    var author: String
    var created: Int64
    var size: Int
    var mimeType: String
}
