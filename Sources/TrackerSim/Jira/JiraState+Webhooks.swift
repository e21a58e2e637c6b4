import TandemJSON
import TandemTime

/// Jira webhook payloads, built at the moment of the change (a snapshot of the issue
/// as it is then) and queued in `outbox`.
extension JiraState {
    var renderer: JiraRenderer { JiraRenderer(catalog: catalog, base: baseURL) }

    /// `jira:issue_created|updated|deleted`:
    /// `{timestamp, webhookEvent, issue_event_type_name, user, issue, changelog?, comment?}`.
    func emitIssueEvent(_ event: String, type: String, issue: JiraIssue, user: String,
                        history: JiraHistory? = nil, comment: JiraComment? = nil, at time: Int64) {
        var payload: [String: JSON] = [
            "timestamp": .int(time), "webhookEvent": .string(event), "issue_event_type_name": .string(type),
            "user": renderer.user(user),
            "issue": renderer.issue(issue, comments: comments(of: issue.id), attachments: attachments(of: issue.id),
                                    selection: .all, expand: []),
        ]
        if let history {
            payload["changelog"] = .object(["id": .string(String(history.id)), "items": .array(history.items.map(\.json))])
        }
        if let comment { payload["comment"] = renderer.comment(comment) }
        outbox.append(.object(payload))
    }

    /// `comment_created|updated|deleted`: `{timestamp, webhookEvent, comment, issue}` (+ `user`).
    func emitCommentEvent(_ event: String, comment: JiraComment, issue: JiraIssue, user: String, at time: Int64) {
        outbox.append(.object([
            "timestamp": .int(time), "webhookEvent": .string(event), "user": renderer.user(user),
            "comment": renderer.comment(comment),
            "issue": .object([
                "id": .string(String(issue.id)), "key": .string(issue.key), "self": .string("\(renderer.api)/issue/\(issue.id)"),
                "fields": .object([
                    "summary": .string(issue.summary), "status": renderer.status(issue.statusID),
                    "issuetype": renderer.issueType(issue.issueTypeID), "project": renderer.project(expandIssueTypes: false),
                    "priority": renderer.priority(issue.priorityID), "assignee": renderer.user(issue.assignee),
                    "updated": .string(Timestamp.jira(issue.updated)),
                ]),
            ]),
        ]))
    }

    /// `attachment_created|deleted`: `{timestamp, webhookEvent, attachment}` (+ `user`, `issue` id/key).
    func emitAttachmentEvent(_ event: String, attachment: JiraAttachment, issue: JiraIssue, user: String, at time: Int64) {
        outbox.append(.object([
            "timestamp": .int(time), "webhookEvent": .string(event), "user": renderer.user(user),
            "attachment": renderer.attachment(attachment),
            "issue": .object(["id": .string(String(issue.id)), "key": .string(issue.key), "self": .string("\(renderer.api)/issue/\(issue.id)")]),
        ]))
    }
}
