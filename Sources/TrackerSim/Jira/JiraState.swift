import TandemJSON

/// Everything a simulated Jira holds, and the operations on it.
///
/// Invariants: (1) accessed only under the simulator's lock; (2) every change is
/// written to `store` before it is applied in memory, in one transaction per
/// request, so memory never runs ahead of the file; (3) every change that a
/// webhook reports appends its payload to `outbox`, which the simulator drains
/// after the request into the background delivery queue; (4) records change
/// only through `set`, which keeps the indexes (key, comments and attachments
/// per issue, `byUpdated`) and, inside a transaction, an undo log: a failed
/// request undoes its own changes instead of the state being copied first.
final class JiraState {
    let catalog: JiraCatalog
    let store: SimStore
    var baseURL: String
    private(set) var issues: [Int: JiraIssue] = [:]
    private(set) var comments: [Int: JiraComment] = [:]
    private(set) var attachments: [Int: JiraAttachment] = [:]
    private var issueIDByKey: [String: Int] = [:]
    private var commentIDsByIssue: [Int: [Int]] = [:]
    private var attachmentIDsByIssue: [Int: [Int]] = [:]
    /// Issues by `(updated, id)`: what searches ordered by `updated` read.
    private(set) var byUpdated = UpdatedIndex<Int>()
    private var undo: [Undo]?
    /// Bumped by every change in memory, so a remembered search knows it is stale.
    private(set) var version = 0
    /// The last search's matches, reused while nothing changed: a client
    /// paging through one query (offsets 0, 100, 200, …) costs one evaluation.
    var lastSearch: (query: String, user: String, version: Int, ids: [Int])?
    /// Webhook payloads produced by the current request, in order.
    var outbox: [JSON] = []

    private enum Undo {
        case issue(Int, JiraIssue?)
        case comment(Int, JiraComment?)
        case attachment(Int, JiraAttachment?)
    }

    init(catalog: JiraCatalog, store: SimStore, baseURL: String) throws {
        self.catalog = catalog
        self.store = store
        self.baseURL = baseURL
        var histories: [Int: [JiraHistory]] = [:]
        for stored in try store.all("jira.history", as: JiraStoredHistory.self) {
            histories[stored.issueID, default: []].append(stored.history)
        }
        for var issue in try store.all("jira.issue", as: JiraIssue.self) {
            if !issue.histories.isEmpty {
                // Written before entries were documents of their own: move them out once.
                try store.write {
                    for history in issue.histories { try store.put("jira.history", String(history.id), JiraStoredHistory(issueID: issue.id, history: history)) }
                    try store.put("jira.issue", String(issue.id), Self.stored(issue))
                }
            }
            issue.histories += histories[issue.id] ?? []
            set(issue.id, issue)
        }
        for comment in try store.all("jira.comment", as: JiraComment.self) { set(comment: comment.id, comment) }
        for attachment in try store.all("jira.attachment", as: JiraAttachment.self) { set(attachment: attachment.id, attachment) }
    }

    // MARK: - Lookup

    func issue(_ idOrKey: String) throws(JiraFailure) -> JiraIssue {
        if let id = Int(idOrKey), let issue = issues[id] { return issue }
        if let id = issueIDByKey[idOrKey.uppercased()], let issue = issues[id] { return issue }
        throw .issueNotFound
    }

    func comments(of issueID: Int) -> [JiraComment] {
        (commentIDsByIssue[issueID] ?? []).compactMap { comments[$0] }
    }

    func attachments(of issueID: Int) -> [JiraAttachment] {
        (attachmentIDsByIssue[issueID] ?? []).compactMap { attachments[$0] }
    }

    // MARK: - Changes in memory

    /// Sets (nil: removes) issue `id`, keeping the indexes and the undo log.
    func set(_ id: Int, _ issue: JiraIssue?) {
        let old = issues[id]
        undo?.append(.issue(id, old))
        issues[id] = issue
        version &+= 1
        if let old, old.key != issue?.key { issueIDByKey[old.key] = nil }
        if let issue { issueIDByKey[issue.key] = id }
        if old?.updated != issue?.updated {
            if let old { byUpdated.remove(updated: old.updated, id: id) }
            if let issue { byUpdated.insert(updated: issue.updated, id: id) }
        }
    }

    func set(comment id: Int, _ comment: JiraComment?) {
        let old = comments[id]
        undo?.append(.comment(id, old))
        comments[id] = comment
        if let old { commentIDsByIssue[old.issueID]?.removeAll { $0 == id } }
        if let comment { Self.insertSorted(id, into: &commentIDsByIssue[comment.issueID, default: []]) }
    }

    func set(attachment id: Int, _ attachment: JiraAttachment?) {
        let old = attachments[id]
        undo?.append(.attachment(id, old))
        attachments[id] = attachment
        if let old { attachmentIDsByIssue[old.issueID]?.removeAll { $0 == id } }
        if let attachment { Self.insertSorted(id, into: &attachmentIDsByIssue[attachment.issueID, default: []]) }
    }

    private static func insertSorted(_ id: Int, into ids: inout [Int]) {
        var index = ids.count
        while index > 0, ids[index - 1] > id { index -= 1 }
        if index > 0, ids[index - 1] == id { return }
        ids.insert(id, at: index)
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

    /// Writes the issue without its changelog, and each changelog entry it
    /// gained since it was last saved (entries are only ever appended).
    func save(_ issue: JiraIssue) throws(JiraFailure) {
        let known = issues[issue.id]?.histories.count ?? 0
        do {
            try store.put("jira.issue", String(issue.id), Self.stored(issue))
            for history in issue.histories.dropFirst(known) {
                try store.put("jira.history", String(history.id), JiraStoredHistory(issueID: issue.id, history: history))
            }
        } catch { throw storageFailure(error) }
        set(issue.id, issue)
    }

    /// The issue's document: its changelog entries are documents of their own.
    private static func stored(_ issue: JiraIssue) -> JiraIssue {
        var stored = issue
        stored.histories = []
        return stored
    }

    func save(_ comment: JiraComment) throws(JiraFailure) {
        do { try store.put("jira.comment", String(comment.id), comment) } catch { throw storageFailure(error) }
        set(comment: comment.id, comment)
    }

    func save(_ attachment: JiraAttachment) throws(JiraFailure) {
        do { try store.put("jira.attachment", String(attachment.id), attachment) } catch { throw storageFailure(error) }
        set(attachment: attachment.id, attachment)
    }

    /// Runs one request's writes in one transaction; on failure its changes in
    /// memory are undone, so memory never keeps a change the file does not have.
    func transaction<T>(_ body: () throws(JiraFailure) -> T) throws(JiraFailure) -> T {
        let outer = undo == nil
        if outer { undo = [] }
        let outboxCount = outbox.count
        do {
            let result = try store.write { () throws -> T in try body() }
            if outer { undo = nil }
            return result
        } catch {
            if outer { rollBack() }
            outbox.removeSubrange(outboxCount...)
            throw (error as? JiraFailure) ?? storageFailure(error)
        }
    }

    private func rollBack() {
        let entries = undo ?? []
        undo = nil
        for entry in entries.reversed() {
            switch entry {
            case .issue(let id, let old): set(id, old)
            case .comment(let id, let old): set(comment: id, old)
            case .attachment(let id, let old): set(attachment: id, old)
            }
        }
    }

    func storageFailure(_ error: any Error) -> JiraFailure {
        JiraFailure(500, "The simulator could not write its data file: \(error)")
    }

    func newHistory(author: String, at time: Int64, items: [JiraChangeItem]) throws(JiraFailure) -> JiraHistory {
        JiraHistory(id: try next("jira.history", after: 10000), author: author, created: time, items: items)
    }
}
