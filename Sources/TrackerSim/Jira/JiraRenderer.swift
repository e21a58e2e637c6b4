import TandemJSON
import TandemTime
import TandemDigest

/// Writes the simulator's records in Jira REST v2 shapes, with absolute `self`
/// links under `base` that the simulator serves.
struct JiraRenderer {
    let catalog: JiraCatalog
    let base: String

    var api: String { base + "/rest/api/2" }

    func user(_ name: String?) -> JSON {
        guard let name else { return .null }
        let found = catalog.user(name) ?? JiraUser(name: name, displayName: name, email: "", active: false)
        if catalog.cloud {
            // Cloud: accountId only; the e-mail only when the profile lets it show.
            var object: [String: JSON] = [
                "self": .string("\(api)/user?accountId=\(found.accountID)"), "accountId": .string(found.accountID),
                "accountType": "atlassian", "displayName": .string(found.displayName),
                "active": .bool(found.active), "timeZone": .string(found.timeZone),
                "avatarUrls": .object(["48x48": .string("\(base)/secure/useravatar?ownerId=\(found.accountID)")]),
            ]
            if !catalog.hideEmails { object["emailAddress"] = .string(found.email) }
            return .object(object)
        }
        return .object([
            "self": .string("\(api)/user?username=\(found.name)"),
            "name": .string(found.name), "key": .string(found.name), "accountId": .string(found.accountID),
            "emailAddress": .string(found.email), "displayName": .string(found.displayName),
            "active": .bool(found.active), "timeZone": .string(found.timeZone),
            "avatarUrls": .object(["48x48": .string("\(base)/secure/useravatar?ownerId=\(found.name)")]),
        ])
    }

    func status(_ id: String) -> JSON {
        guard let status = catalog.status(id) else { return .null }
        let category: (Int64, String, String) = status.extra == "new" ? (2, "To Do", "blue-gray")
            : status.extra == "done" ? (3, "Done", "green") : (4, "In Progress", "yellow")
        return .object([
            "self": .string("\(api)/status/\(status.id)"), "id": .string(status.id), "name": .string(status.name),
            "description": .string(""), "iconUrl": .string("\(base)/images/icons/statuses/generic.png"),
            "statusCategory": .object([
                "self": .string("\(api)/statuscategory/\(category.0)"), "id": .int(category.0),
                "key": .string(status.extra), "name": .string(category.1), "colorName": .string(category.2),
            ]),
        ])
    }

    func priority(_ id: String) -> JSON {
        guard let priority = catalog.priority(id) else { return .null }
        return .object([
            "self": .string("\(api)/priority/\(priority.id)"), "id": .string(priority.id), "name": .string(priority.name),
            "statusColor": .string(priority.extra), "iconUrl": .string("\(base)/images/icons/priorities/\(priority.name.lowercased()).svg"),
        ])
    }

    func issueType(_ id: String) -> JSON {
        guard let type = catalog.issueType(id) else { return .null }
        return .object([
            "self": .string("\(api)/issuetype/\(type.id)"), "id": .string(type.id), "name": .string(type.name),
            "description": .string(""), "subtask": .bool(false),
            "iconUrl": .string("\(base)/images/icons/issuetypes/\(type.name.lowercased()).svg"),
        ])
    }

    func resolution(_ id: String?) -> JSON {
        guard let id, let resolution = catalog.resolution(id) else { return .null }
        return .object(["self": .string("\(api)/resolution/\(resolution.id)"), "id": .string(resolution.id),
                        "name": .string(resolution.name), "description": .string("")])
    }

    func project(expandIssueTypes: Bool = true) -> JSON {
        var object: [String: JSON] = [
            "self": .string("\(api)/project/\(catalog.projectID)"), "id": .string(catalog.projectID),
            "key": .string(catalog.projectKey), "name": .string(catalog.projectName),
            "projectTypeKey": .string("software"), "lead": user(catalog.users[0].name),
        ]
        if expandIssueTypes { object["issueTypes"] = .array(catalog.issueTypes.map { issueType($0.id) }) }
        return .object(object)
    }

    func comment(_ comment: JiraComment) -> JSON {
        .object([
            "self": .string("\(api)/issue/\(comment.issueID)/comment/\(comment.id)"), "id": .string(String(comment.id)),
            "author": user(comment.author), "updateAuthor": user(comment.updateAuthor), "body": .string(comment.body),
            "created": .string(Timestamp.jira(comment.created)), "updated": .string(Timestamp.jira(comment.updated)),
            "jsdPublic": .bool(!comment.isInternal),
        ])
    }

    func attachment(_ attachment: JiraAttachment) -> JSON {
        .object([
            "self": .string("\(api)/attachment/\(attachment.id)"), "id": .string(String(attachment.id)),
            "filename": .string(attachment.filename), "author": user(attachment.author),
            "created": .string(Timestamp.jira(attachment.created)), "size": .int(Int64(attachment.size)),
            "mimeType": .string(attachment.mimeType),
            "content": .string(catalog.cloud ? "\(api)/attachment/content/\(attachment.id)"
                : "\(base)/secure/attachment/\(attachment.id)/\(percentEncodePathSegment(attachment.filename))"),
        ])
    }

    func history(_ history: JiraHistory) -> JSON {
        .object([
            "id": .string(String(history.id)), "author": user(history.author),
            "created": .string(Timestamp.jira(history.created)), "items": .array(history.items.map(\.json)),
        ])
    }

    /// Every field of `issue` by id, in its REST shape.
    func allFields(_ issue: JiraIssue, comments: [JiraComment], attachments: [JiraAttachment]) -> [String: JSON] {
        var fields: [String: JSON] = [
            "summary": .string(issue.summary), "description": issue.description.map(JSON.string) ?? .null,
            "issuetype": issueType(issue.issueTypeID), "project": project(expandIssueTypes: false),
            "priority": priority(issue.priorityID), "status": status(issue.statusID),
            "resolution": resolution(issue.resolutionID),
            "resolutiondate": issue.resolutionID == nil ? .null : .string(Timestamp.jira(issue.updated)),
            "assignee": user(issue.assignee), "reporter": user(issue.reporter), "creator": user(issue.reporter),
            "labels": .array(issue.labels.map(JSON.string)), "duedate": issue.dueDate.map(JSON.string) ?? .null,
            "created": .string(Timestamp.jira(issue.created)), "updated": .string(Timestamp.jira(issue.updated)),
            "comment": .object([
                "comments": .array(comments.map(comment)), "maxResults": .int(Int64(comments.count)),
                "total": .int(Int64(comments.count)), "startAt": 0,
            ]),
            "attachment": .array(attachments.map(attachment)),
            "subtasks": [], "issuelinks": [], "components": [], "fixVersions": [], "versions": [],
            "watches": .object(["self": .string("\(api)/issue/\(issue.key)/watchers"), "watchCount": 0, "isWatching": false]),
        ]
        fields[catalog.remoteKeyField] = issue.customValue(catalog.remoteKeyField)
        return fields
    }

    /// The issue with the fields `selection` asks for and the `expand` parts.
    func issue(_ issue: JiraIssue, comments: [JiraComment], attachments: [JiraAttachment],
               selection: JiraFieldSelection, expand: Set<String>) -> JSON {
        let all = allFields(issue, comments: comments, attachments: attachments)
        var fields: [String: JSON] = [:]
        for (id, value) in all where selection.includes(id) { fields[id] = value }
        var object: [String: JSON] = [
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": .string(String(issue.id)), "key": .string(issue.key),
            "self": .string("\(api)/issue/\(issue.id)"), "fields": .object(fields),
        ]
        if expand.contains("changelog") {
            object["changelog"] = .object([
                "startAt": 0, "maxResults": .int(Int64(issue.histories.count)), "total": .int(Int64(issue.histories.count)),
                "histories": .array(issue.histories.map(history)),
            ])
        }
        if expand.contains("renderedfields") {
            object["renderedFields"] = .object(["description": issue.description.map { .string("<p>\($0)</p>") } ?? .null])
        }
        if expand.contains("names") {
            object["names"] = .object(Dictionary(uniqueKeysWithValues: JiraFieldCatalog.fields.filter { fields[$0.id] != nil }.map { ($0.id, JSON.string($0.name)) }))
        }
        return .object(object)
    }
}

/// Percent-encodes a filename for use as one URL path segment.
func percentEncodePathSegment(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        let c = Character(Unicode.Scalar(byte))
        if byte < 128 && (c.isLetter || c.isNumber || "-._~".contains(c)) { result.append(c) } else {
            result += "%" + Digest.hex([byte]).uppercased()
        }
    }
    return result
}
