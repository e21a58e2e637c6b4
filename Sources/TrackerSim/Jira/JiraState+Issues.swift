import TandemJSON
import TandemTime

/// Issue create, edit, delete, transition and assign.
extension JiraState {
    static let editableFields: Set<String> = ["summary", "description", "priority", "labels", "assignee", "issuetype", "duedate", "reporter", "customfield_10010"]

    func createIssue(_ body: JSON, user: String) throws(JiraFailure) -> JiraIssue {
        guard let fields = body["fields"], case .object(let members) = fields else {
            throw JiraFailure(400, "The request body must be an object with a 'fields' object.")
        }
        var errors: [String: String] = [:]
        if let project = members["project"] {
            let wanted = project["key"]?.stringValue ?? project["id"]?.stringValue ?? project["id"]?.intValue.map(String.init) ?? project.stringValue
            if wanted?.uppercased() != catalog.projectKey && wanted != catalog.projectID { errors["project"] = "valid project is required" }
        } else { errors["project"] = "project is required" }
        var typeID = ""
        if let type = members["issuetype"] {
            do throws(JiraFailure) { typeID = try namedReference(type, in: catalog.issueTypes, field: "issuetype", label: "issue type").id } catch { errors.merge(error.errors) { a, _ in a } }
        } else { errors["issuetype"] = "issue type is required" }
        let summary = members["summary"]?.stringValue?.trimmingSpaces() ?? ""
        if summary.isEmpty { errors["summary"] = "You must specify a summary of the issue." }
        for key in members.keys where (!Self.editableFields.contains(key) && key != "project")
            || (key == "labels" && !catalog.labelsOnCreateScreen) {
            errors[key] = "Field '\(key)' cannot be set. It is not on the appropriate screen, or unknown."
        }
        let properties = try Self.properties(body["properties"])
        guard errors.isEmpty else { throw JiraFailure(400, errors: errors) }

        return try transaction { () throws(JiraFailure) -> JiraIssue in
            let now = Timestamp.now()
            let id = try next("jira.issue.id", after: 10000)
            let number = try next("jira.issue.number.\(catalog.projectKey)", after: 0)
            var issue = JiraIssue(id: id, key: "\(catalog.projectKey)-\(number)", projectID: catalog.projectID, issueTypeID: typeID,
                                  summary: summary, description: nil, priorityID: "3", statusID: "1", resolutionID: nil,
                                  assignee: nil, reporter: user, labels: [], dueDate: nil, created: now, updated: now,
                                  customFields: [:], histories: [])
            var others = members
            for key in ["project", "issuetype", "summary"] { others[key] = nil }
            _ = try apply(fields: others, update: [:], to: &issue)
            if !properties.isEmpty { issue.properties = properties.mapValues { $0.text } }
            try save(issue)
            emitIssueEvent("jira:issue_created", type: "issue_created", issue: issue, user: user, at: now)
            return issue
        }
    }

    /// The create body's `properties`: `[{"key", "value"}]`, keys up to 255 characters.
    static func properties(_ value: JSON?) throws(JiraFailure) -> [String: JSON] {
        guard let value, !value.isNull else { return [:] }
        guard let list = value.arrayValue else { throw JiraFailure(400, field: "properties", "'properties' must be a list of {\"key\", \"value\"}.") }
        var result: [String: JSON] = [:]
        for entry in list {
            guard let key = entry["key"]?.stringValue, !key.isEmpty, key.count <= 255, let stored = entry["value"] else {
                throw JiraFailure(400, field: "properties", "Every property needs a 'key' (1 to 255 characters) and a 'value'.")
            }
            result[key] = stored
        }
        return result
    }

    /// PUT /issue/{k}/properties/{key}: stores the value (any JSON) without touching `updated`.
    func setProperty(_ idOrKey: String, key: String, value: JSON) throws(JiraFailure) -> Bool {
        var issue = try issue(idOrKey)
        guard !key.isEmpty, key.count <= 255 else { throw JiraFailure(400, "The property key must be 1 to 255 characters.") }
        let existed = issue.properties?[key] != nil
        var properties = issue.properties ?? [:]
        properties[key] = value.text
        issue.properties = properties
        try transaction { () throws(JiraFailure) in try save(issue) }
        return existed
    }

    /// PUT /issue/{k}: `fields` sets, `update` runs `set`/`add`/`remove` operations.
    func editIssue(_ idOrKey: String, _ body: JSON, user: String) throws(JiraFailure) {
        var issue = try issue(idOrKey)
        let fields = body["fields"]?.objectValue ?? [:]
        let update = body["update"]?.objectValue ?? [:]
        if let given = body["fields"], given.objectValue == nil { throw JiraFailure(400, "'fields' must be an object.") }
        if let given = body["update"], given.objectValue == nil { throw JiraFailure(400, "'update' must be an object.") }
        for key in fields.keys where update[key] != nil {
            throw JiraFailure(400, field: key, "Field '\(key)' cannot be set in both 'fields' and 'update'.")
        }
        try transaction { () throws(JiraFailure) in
            let now = Timestamp.now()
            let items = try apply(fields: fields, update: update.filter { $0.key != "comment" }, to: &issue)
            var addedComment: JiraComment?
            if let commentOps = update["comment"]?.arrayValue {
                for op in commentOps {
                    if let body = op["add"]?["body"]?.stringValue {
                        addedComment = try insertComment(issueID: issue.id, body: body, user: user, at: now)
                    }
                }
            }
            guard !items.isEmpty || addedComment != nil else { return }
            issue.updated = now
            var history: JiraHistory?
            if !items.isEmpty {
                history = try newHistory(author: user, at: now, items: items)
                issue.histories.append(history!)
            }
            try save(issue)
            let assignedOnly = items.count == 1 && items[0].field == "assignee"
            let type = addedComment != nil && items.isEmpty ? "issue_commented" : assignedOnly ? "issue_assigned" : "issue_updated"
            emitIssueEvent("jira:issue_updated", type: type, issue: issue, user: user, history: history, comment: addedComment, at: now)
            if let addedComment { emitCommentEvent("comment_created", comment: addedComment, issue: issue, user: user, at: now) }
        }
    }

    func deleteIssue(_ idOrKey: String, user: String) throws(JiraFailure) {
        let issue = try issue(idOrKey)
        try transaction { () throws(JiraFailure) in
            do {
                try store.delete("jira.issue", String(issue.id))
                for history in issue.histories { try store.delete("jira.history", String(history.id)) }
                for comment in comments(of: issue.id) { try store.delete("jira.comment", String(comment.id)) }
                for attachment in attachments(of: issue.id) {
                    try store.delete("jira.attachment", String(attachment.id))
                    try store.deleteBlob("jira-\(attachment.id)")
                }
            } catch { throw storageFailure(error) }
            let now = Timestamp.now()
            emitIssueEvent("jira:issue_deleted", type: "issue_deleted", issue: issue, user: user, at: now)
            for comment in comments(of: issue.id) { set(comment: comment.id, nil) }
            for attachment in attachments(of: issue.id) { set(attachment: attachment.id, nil) }
            set(issue.id, nil)
        }
    }

    /// POST /issue/{k}/transitions: `{"transition":{"id":"31"|31},"fields":{…},"update":{"comment":[…]}}`.
    func transition(_ idOrKey: String, _ body: JSON, user: String) throws(JiraFailure) {
        var issue = try issue(idOrKey)
        guard let idValue = body["transition"]?["id"], let transitionID = idValue.stringValue ?? idValue.intValue.map(String.init) else {
            throw JiraFailure(400, "Missing 'transition' object with an 'id'.")
        }
        guard let transition = catalog.transitions(from: issue.statusID).first(where: { $0.id == transitionID }) else {
            throw JiraFailure(400, "It seems that you have tried to perform a workflow operation (\(transitionID)) that is not valid for the current state of this issue (\(issue.key)). The likely cause is that somebody has changed the issue recently, please look at the issue history for details.")
        }
        try transaction { () throws(JiraFailure) in
            let now = Timestamp.now()
            var items = [JiraChangeItem(field: "status", fieldtype: "jira", fieldId: "status", from: issue.statusID,
                                        fromString: catalog.status(issue.statusID)?.name, to: transition.to,
                                        toString: catalog.status(transition.to)?.name)]
            var fields = body["fields"]?.objectValue ?? [:]
            let newResolution: String?
            if let requested = fields.removeValue(forKey: "resolution") {
                newResolution = try namedReference(requested, in: catalog.resolutions, field: "resolution", label: "resolution").id
            } else {
                newResolution = catalog.status(transition.to)?.extra == "done" ? (issue.resolutionID ?? "10000") : nil
            }
            if newResolution != issue.resolutionID {
                items.append(JiraChangeItem(field: "resolution", fieldtype: "jira", fieldId: "resolution", from: issue.resolutionID,
                                            fromString: issue.resolutionID.flatMap { catalog.resolution($0)?.name }, to: newResolution,
                                            toString: newResolution.flatMap { catalog.resolution($0)?.name }))
                issue.resolutionID = newResolution
            }
            issue.statusID = transition.to
            items += try apply(fields: fields, update: [:], to: &issue)
            var addedComment: JiraComment?
            for op in body["update"]?["comment"]?.arrayValue ?? [] {
                if let text = op["add"]?["body"]?.stringValue {
                    addedComment = try insertComment(issueID: issue.id, body: text, user: user, at: now)
                }
            }
            issue.updated = now
            let history = try newHistory(author: user, at: now, items: items)
            issue.histories.append(history)
            try save(issue)
            emitIssueEvent("jira:issue_updated", type: "issue_generic", issue: issue, user: user, history: history, comment: addedComment, at: now)
            if let addedComment { emitCommentEvent("comment_created", comment: addedComment, issue: issue, user: user, at: now) }
        }
    }

    /// PUT /issue/{k}/assignee: `{"name"}`, `{"accountId"}` or `{"name": null}` to unassign.
    func assign(_ idOrKey: String, _ body: JSON, user: String) throws(JiraFailure) {
        let target = try userReference(body, field: "assignee")
        let reference: JSON = target.flatMap { catalog.user($0) }.map { .object(["accountId": .string($0.accountID)]) } ?? .null
        try editIssue(idOrKey, .object(["fields": .object(["assignee": reference])]), user: user)
    }

    /// Applies `fields` (set) and `update` (operations) to `issue`; returns changelog items.
    func apply(fields: [String: JSON], update: [String: JSON], to issue: inout JiraIssue) throws(JiraFailure) -> [JiraChangeItem] {
        var operations: [(String, String, JSON)] = fields.map { ($0.key, "set", $0.value) }
        for (key, ops) in update {
            guard let list = ops.arrayValue else { throw JiraFailure(400, field: key, "Operations for '\(key)' must be an array.") }
            for op in list {
                guard case .object(let members) = op, members.count == 1, let (verb, value) = members.first else {
                    throw JiraFailure(400, field: key, "Each operation must be one of {\"set\":…}, {\"add\":…}, {\"remove\":…}.")
                }
                operations.append((key, verb, value))
            }
        }
        var items: [JiraChangeItem] = []
        for (key, verb, value) in operations.sorted(by: { $0.0 < $1.0 }) {
            guard Self.editableFields.contains(key) else {
                throw JiraFailure(400, field: key, "Field '\(key)' cannot be set. It is not on the appropriate screen, or unknown.")
            }
            if let item = try applyOne(key, verb, value, to: &issue) { items.append(item) }
        }
        return items
    }

    private func applyOne(_ key: String, _ verb: String, _ value: JSON, to issue: inout JiraIssue) throws(JiraFailure) -> JiraChangeItem? {
        func item(_ field: String, _ from: String?, _ fromString: String?, _ to: String?, _ toString: String?, custom: Bool = false) -> JiraChangeItem? {
            guard from != to || fromString != toString else { return nil }
            return JiraChangeItem(field: field, fieldtype: custom ? "custom" : "jira", fieldId: key, from: from, fromString: fromString, to: to, toString: toString)
        }
        if key == "labels" {
            let old = issue.labels
            switch verb {
            case "set":
                guard let list = value.arrayValue?.compactMap(\.stringValue) else { throw JiraFailure(400, field: "labels", "labels must be an array of strings") }
                issue.labels = list
            case "add": if let label = value.stringValue, !issue.labels.contains(label) { issue.labels.append(label) }
            case "remove": if let label = value.stringValue { issue.labels.removeAll { $0 == label } }
            default: throw JiraFailure(400, field: "labels", "Unsupported operation '\(verb)' for labels.")
            }
            if issue.labels.contains(where: { $0.contains(" ") }) { throw JiraFailure(400, field: "labels", "The label can't contain spaces.") }
            return item("labels", nil, old.joined(separator: " "), nil, issue.labels.joined(separator: " "))
        }
        guard verb == "set" else { throw JiraFailure(400, field: key, "Unsupported operation '\(verb)' for '\(key)'.") }
        switch key {
        case "summary":
            guard let text = value.stringValue?.trimmingSpaces(), !text.isEmpty else { throw JiraFailure(400, field: "summary", "You must specify a summary of the issue.") }
            defer { issue.summary = text }
            return item("summary", nil, issue.summary, nil, text)
        case "description":
            guard value.isNull || value.stringValue != nil else { throw JiraFailure(400, field: "description", "Operation value must be a string") }
            let text = value.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            defer { issue.description = text }
            return item("description", nil, issue.description, nil, text)
        case "priority":
            let priority = try namedReference(value, in: catalog.priorities, field: "priority", label: "priority")
            defer { issue.priorityID = priority.id }
            return item("priority", issue.priorityID, catalog.priority(issue.priorityID)?.name, priority.id, priority.name)
        case "issuetype":
            let type = try namedReference(value, in: catalog.issueTypes, field: "issuetype", label: "issue type")
            defer { issue.issueTypeID = type.id }
            return item("issuetype", issue.issueTypeID, catalog.issueType(issue.issueTypeID)?.name, type.id, type.name)
        case "assignee", "reporter":
            let name = try userReference(value, field: key)
            if key == "reporter" {
                guard let name else { throw JiraFailure(400, field: "reporter", "Reporter is required.") }
                defer { issue.reporter = name }
                return item("reporter", issue.reporter, catalog.user(issue.reporter)?.displayName, name, catalog.user(name)?.displayName)
            }
            defer { issue.assignee = name }
            return item("assignee", issue.assignee, issue.assignee.flatMap { catalog.user($0)?.displayName }, name, name.flatMap { catalog.user($0)?.displayName })
        case "duedate":
            let text = value.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if let text, Timestamp.parseLiteral(text) == nil || text.count != 10 {
                throw JiraFailure(400, field: "duedate", "Error parsing date string: \(text)")
            }
            defer { issue.dueDate = text }
            return item("duedate", issue.dueDate, issue.dueDate, text, text)
        default:
            // The one custom field, a text field: a string or null.
            guard value.isNull || value.stringValue != nil else { throw JiraFailure(400, field: key, "Operation value must be a string") }
            let old = issue.customValue(key).stringValue
            let new = value.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            issue.customFields[key] = new.map { JSON.string($0).text }
            return item("Remote Key", nil, old, nil, new, custom: true)
        }
    }
}
