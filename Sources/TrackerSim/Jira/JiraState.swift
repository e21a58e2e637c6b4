import TandemJSON

/// Everything a simulated Jira holds, and the operations on it.
///
/// Invariants: (1) accessed only under the simulator's lock; (2) every change is
/// written to `store` before it is applied in memory, in one transaction per
/// request, so memory never runs ahead of the file; (3) every change that a
/// webhook reports appends its payload to `outbox`, which the simulator drains
/// after the request into the background delivery queue.
final class JiraState {
    let catalog: JiraCatalog
    let store: SimStore
    var baseURL: String
    var issues: [Int: JiraIssue] = [:]
    var comments: [Int: JiraComment] = [:]
    var attachments: [Int: JiraAttachment] = [:]
    /// Webhook payloads produced by the current request, in order.
    var outbox: [JSON] = []

    init(catalog: JiraCatalog, store: SimStore, baseURL: String) throws {
        self.catalog = catalog
        self.store = store
        self.baseURL = baseURL
        for issue in try store.all("jira.issue", as: JiraIssue.self) { issues[issue.id] = issue }
        for comment in try store.all("jira.comment", as: JiraComment.self) { comments[comment.id] = comment }
        for attachment in try store.all("jira.attachment", as: JiraAttachment.self) { attachments[attachment.id] = attachment }
    }

    // MARK: - Lookup

    func issue(_ idOrKey: String) throws(JiraFailure) -> JiraIssue {
        if let id = Int(idOrKey), let issue = issues[id] { return issue }
        let upper = idOrKey.uppercased()
        if let issue = issues.values.first(where: { $0.key == upper }) { return issue }
        throw .issueNotFound
    }

    func comments(of issueID: Int) -> [JiraComment] {
        comments.values.filter { $0.issueID == issueID }.sorted { $0.id < $1.id }
    }

    func attachments(of issueID: Int) -> [JiraAttachment] {
        attachments.values.filter { $0.issueID == issueID }.sorted { $0.id < $1.id }
    }

    /// Finds a user by `name`, `key`, `accountId`, `username` or `emailAddress` member.
    func userReference(_ value: JSON, field: String) throws(JiraFailure) -> String? {
        if value.isNull { return nil }
        if catalog.cloud, let member = ["name", "key", "username"].first(where: { value[$0]?.stringValue != nil }) {
            // GDPR strict mode: Cloud knows users by accountId only.
            throw JiraFailure(400, field: field, "Users are identified by 'accountId' in Jira Cloud; '\(member)' is not accepted.")
        }
        for member in ["name", "key", "accountId", "username", "emailAddress", "id"] {
            if value[member] == .null { return nil }
            if let text = value[member]?.stringValue {
                if text.isEmpty { return nil }
                guard let user = catalog.user(text) else { throw JiraFailure(400, field: field, "User '\(text)' does not exist.") }
                return user.name
            }
        }
        if let text = value.stringValue, let user = catalog.user(text) { return user.name }
        throw JiraFailure(400, field: field, "expected an object with 'name' or 'accountId'")
    }

    /// Finds an entry of `list` by `id` (string or number) or `name`.
    func namedReference(_ value: JSON, in list: [JiraNamed], field: String, label: String) throws(JiraFailure) -> JiraNamed {
        let wanted = value["id"]?.stringValue ?? value["id"]?.intValue.map(String.init) ?? value["name"]?.stringValue ?? value.stringValue
        guard let wanted, let found = JiraCatalog.find(list, idOrName: wanted) else {
            throw JiraFailure(400, field: field, "valid \(label) is required")
        }
        return found
    }

    // MARK: - Persistence helpers

    func next(_ counter: String, after start: Int64) throws(JiraFailure) -> Int {
        do { return Int(try store.next(counter, after: start)) } catch { throw storageFailure(error) }
    }

    func save(_ issue: JiraIssue) throws(JiraFailure) {
        do { try store.put("jira.issue", String(issue.id), issue) } catch { throw storageFailure(error) }
        issues[issue.id] = issue
    }

    func save(_ comment: JiraComment) throws(JiraFailure) {
        do { try store.put("jira.comment", String(comment.id), comment) } catch { throw storageFailure(error) }
        comments[comment.id] = comment
    }

    func save(_ attachment: JiraAttachment) throws(JiraFailure) {
        do { try store.put("jira.attachment", String(attachment.id), attachment) } catch { throw storageFailure(error) }
        attachments[attachment.id] = attachment
    }

    /// Runs one request's writes in one transaction; on failure memory is reloaded
    /// from the store so it never keeps a change the file does not have.
    func transaction<T>(_ body: () throws(JiraFailure) -> T) throws(JiraFailure) -> T {
        let snapshot = (issues, comments, attachments, outbox.count)
        do {
            return try store.write { () throws -> T in try body() }
        } catch let failure as JiraFailure {
            (issues, comments, attachments) = (snapshot.0, snapshot.1, snapshot.2)
            outbox.removeSubrange(snapshot.3...)
            throw failure
        } catch {
            (issues, comments, attachments) = (snapshot.0, snapshot.1, snapshot.2)
            outbox.removeSubrange(snapshot.3...)
            throw storageFailure(error)
        }
    }

    func storageFailure(_ error: any Error) -> JiraFailure {
        JiraFailure(500, "The simulator could not write its data file: \(error)")
    }

    func newHistory(author: String, at time: Int64, items: [JiraChangeItem]) throws(JiraFailure) -> JiraHistory {
        JiraHistory(id: try next("jira.history", after: 10000), author: author, created: time, items: items)
    }
}
