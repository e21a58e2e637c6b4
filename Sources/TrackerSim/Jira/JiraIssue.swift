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
    /// Entity properties by key, as JSON text; nil in data written before the
    /// simulator kept them.
    var properties: [String: String]?

    func property(_ key: String) -> JSON? {
        properties?[key].flatMap { try? JSON(parsing: $0) }
    }

    func customValue(_ id: String) -> JSON {
        guard let text = customFields[id], let value = try? JSON(parsing: text) else { return .null }
        return value
    }
}

