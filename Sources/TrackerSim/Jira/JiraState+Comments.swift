import TandemJSON
import TandemTime

/// Comment CRUD and attachments.
extension JiraState {
    /// The comment property that makes a Service Management comment internal
    /// (`{"internal": true}`), shown as `jsdPublic: false`.
    static let publicCommentProperty = "sd.public.comment"

    func insertComment(issueID: Int, body: String, user: String, at time: Int64, isInternal: Bool = false) throws(JiraFailure) -> JiraComment {
        guard !body.trimmingSpaces().isEmpty else { throw JiraFailure(400, field: "comment", "Comment body can not be empty!") }
        let comment = JiraComment(id: try next("jira.comment.id", after: 10000), issueID: issueID, author: user, updateAuthor: user,
                                  body: body, created: time, updated: time, internalNote: isInternal ? true : nil)
        try save(comment)
        return comment
    }

    func comment(_ issue: JiraIssue, _ id: String) throws(JiraFailure) -> JiraComment {
        guard let number = Int(id), let comment = comments[number], comment.issueID == issue.id else {
            throw JiraFailure(404, "Can not find a comment for the id: \(id).")
        }
        return comment
    }

    func addComment(_ idOrKey: String, _ body: JSON, user: String) throws(JiraFailure) -> JiraComment {
        var issue = try issue(idOrKey)
        guard let text = body["body"]?.stringValue else { throw JiraFailure(400, field: "comment", "Comment body can not be empty!") }
        let internalNote = try Self.properties(body["properties"])[Self.publicCommentProperty]?["internal"]?.boolValue ?? false
        return try transaction { () throws(JiraFailure) -> JiraComment in
            let now = Timestamp.now()
            let comment = try insertComment(issueID: issue.id, body: text, user: user, at: now, isInternal: internalNote)
            issue.updated = now
            try save(issue)
            emitIssueEvent("jira:issue_updated", type: "issue_commented", issue: issue, user: user, comment: comment, at: now)
            emitCommentEvent("comment_created", comment: comment, issue: issue, user: user, at: now)
            return comment
        }
    }

    func updateComment(_ idOrKey: String, _ id: String, _ body: JSON, user: String) throws(JiraFailure) -> JiraComment {
        var issue = try issue(idOrKey)
        var comment = try comment(issue, id)
        guard let text = body["body"]?.stringValue, !text.trimmingSpaces().isEmpty else {
            throw JiraFailure(400, field: "comment", "Comment body can not be empty!")
        }
        return try transaction { () throws(JiraFailure) -> JiraComment in
            let now = Timestamp.now()
            comment.body = text
            comment.updateAuthor = user
            comment.updated = now
            try save(comment)
            issue.updated = now
            try save(issue)
            emitIssueEvent("jira:issue_updated", type: "issue_comment_edited", issue: issue, user: user, comment: comment, at: now)
            emitCommentEvent("comment_updated", comment: comment, issue: issue, user: user, at: now)
            return comment
        }
    }

    func deleteComment(_ idOrKey: String, _ id: String, user: String) throws(JiraFailure) {
        var issue = try issue(idOrKey)
        let comment = try comment(issue, id)
        try transaction { () throws(JiraFailure) in
            let now = Timestamp.now()
            do { try store.delete("jira.comment", String(comment.id)) } catch { throw storageFailure(error) }
            set(comment: comment.id, nil)
            issue.updated = now
            try save(issue)
            emitIssueEvent("jira:issue_updated", type: "issue_comment_deleted", issue: issue, user: user, comment: comment, at: now)
            emitCommentEvent("comment_deleted", comment: comment, issue: issue, user: user, at: now)
        }
    }

    /// Stores one uploaded file; the issue gets an `Attachment` changelog item.
    func addAttachment(_ idOrKey: String, filename: String, mimeType: String, bytes: [UInt8], user: String) throws(JiraFailure) -> JiraAttachment {
        var issue = try issue(idOrKey)
        return try transaction { () throws(JiraFailure) -> JiraAttachment in
            let now = Timestamp.now()
            let attachment = JiraAttachment(id: try next("jira.attachment.id", after: 10000), issueID: issue.id, filename: filename,
                                            author: user, created: now, size: bytes.count, mimeType: mimeType)
            do { try store.putBlob("jira-\(attachment.id)", bytes) } catch { throw storageFailure(error) }
            try save(attachment)
            issue.updated = now
            let history = try newHistory(author: user, at: now, items: [
                JiraChangeItem(field: "Attachment", fieldtype: "jira", fieldId: "attachment", from: nil, fromString: nil,
                               to: String(attachment.id), toString: filename),
            ])
            issue.histories.append(history)
            try save(issue)
            emitIssueEvent("jira:issue_updated", type: "issue_updated", issue: issue, user: user, history: history, at: now)
            emitAttachmentEvent("attachment_created", attachment: attachment, issue: issue, user: user, at: now)
            return attachment
        }
    }

    func deleteAttachment(_ id: String, user: String) throws(JiraFailure) {
        guard let number = Int(id), let attachment = attachments[number] else {
            throw JiraFailure(404, "The attachment with id '\(id)' does not exist")
        }
        try transaction { () throws(JiraFailure) in
            let now = Timestamp.now()
            do {
                try store.delete("jira.attachment", String(number))
                try store.deleteBlob("jira-\(number)")
            } catch { throw storageFailure(error) }
            set(attachment: number, nil)
            if var issue = issues[attachment.issueID] {
                issue.updated = now
                let history = try newHistory(author: user, at: now, items: [
                    JiraChangeItem(field: "Attachment", fieldtype: "jira", fieldId: "attachment", from: String(number),
                                   fromString: attachment.filename, to: nil, toString: nil),
                ])
                issue.histories.append(history)
                try save(issue)
                emitIssueEvent("jira:issue_updated", type: "issue_updated", issue: issue, user: user, history: history, at: now)
                emitAttachmentEvent("attachment_deleted", attachment: attachment, issue: issue, user: user, at: now)
            }
        }
    }
}
