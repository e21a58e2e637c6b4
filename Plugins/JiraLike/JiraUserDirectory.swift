import PluginKit
import Synchronization

/// What an instance remembers between calls: users found by email, the
/// searching user's time zone (JQL reads date literals in it), which Jira it
/// talks to, its own accountId, and the issues it wrote lately.
///
/// Invariant: entries only ever describe what Jira answered; a miss is not
/// cached, so a user created later is found. Thread-safe (one lock each).
final class JiraUserDirectory: Sendable {
    private let usersByEmail = Mutex<[String: JSON]>([:])
    private let zoneOffset = Mutex<JiraZone?>(nil)
    private let learned = Mutex<(deployment: JiraDeployment?, myself: String?, createRefusesLabels: Bool)>((nil, nil, false))
    private let written = Mutex<[String]>([])

    func user(email: String) -> JSON? { usersByEmail.withLock { $0[email.lowercased()] } }
    func remember(_ user: JSON, email: String) { usersByEmail.withLock { $0[email.lowercased()] = user } }

    var zone: JiraZone? { zoneOffset.withLock { $0 } }
    func remember(zone: JiraZone) { zoneOffset.withLock { $0 = zone } }

    var deployment: JiraDeployment? { learned.withLock { $0.deployment } }
    func remember(deployment: JiraDeployment) { learned.withLock { $0.deployment = deployment } }

    /// The project's create screen lacks `labels` (a create setting them got 400).
    var createRefusesLabels: Bool { learned.withLock { $0.createRefusesLabels } }
    func rememberCreateRefusesLabels() { learned.withLock { $0.createRefusesLabels = true } }

    /// The accountId of the account the connector signs in as (Cloud).
    var myself: String? { learned.withLock { $0.myself } }
    func remember(myself: String) { learned.withLock { $0.myself = myself } }

    /// The ids of the issues written last, newest last, at most `recentLimit`:
    /// Cloud's search is eventually consistent, and `reconcileIssues` makes it
    /// include these as they are now.
    static let recentLimit = 50
    var recentlyWritten: [String] { written.withLock { $0 } }
    func rememberWrite(_ issueID: String) {
        guard !issueID.isEmpty, issueID.allSatisfy(\.isNumber) else { return }
        written.withLock { list in
            list.removeAll { $0 == issueID }
            list.append(issueID)
            if list.count > Self.recentLimit { list.removeFirst(list.count - Self.recentLimit) }
        }
    }
}

/// The searching user's zone, as JQL needs it.
struct JiraZone: Sendable {
    let identifier: String
    /// Seconds east of UTC at `millis`.
    let offsetAt: @Sendable (Int64) -> Int
}

extension JiraConnector {
    /// The Jira user with `email` (matched ignoring case).
    ///
    /// Data Center: `/user/search?username=` (it matches e-mails too). Cloud:
    /// the `userMap` entry if any (checked with `/user?accountId=`), else
    /// `/user/search?query=`, which finds users by e-mail but shows the e-mail
    /// only when their profile allows; such users need a `userMap` entry.
    ///
    /// - Throws: `.notFound` naming the email when nobody has it.
    func jiraUser(email: String, for operation: String) throws(ConnectorError) -> JSON {
        if let known = directory.user(email: email) { return known }
        let wanted = email.lowercased()
        let found: JSON?
        if try deployment(for: operation) == .cloud {
            if let accountID = config.accountIDsByEmail[wanted] {
                found = try jira(operation, "GET", "/user", query: [("accountId", accountID)])
            } else {
                let candidates = try jira(operation, "GET", "/user/search", query: [("query", email), ("maxResults", "50")]).arrayValue ?? []
                found = candidates.first { $0["emailAddress"]?.stringValue?.lowercased() == wanted }
                if found == nil, candidates.contains(where: { ($0["emailAddress"]?.stringValue ?? "").isEmpty }) {
                    throw .notFound("\(operation): Jira Cloud hides the e-mail of the users matching '\(email)'; "
                                    + "add \"\(email)\": \"<accountId>\" to the file named by configuration key 'userMap'")
                }
            }
        } else {
            let candidates = try jira(operation, "GET", "/user/search", query: [("username", email), ("maxResults", "50")])
            found = candidates.arrayValue?.first { $0["emailAddress"]?.stringValue?.lowercased() == wanted }
        }
        guard let user = found else { throw .notFound("\(operation): no Jira user has the email '\(email)'") }
        directory.remember(user, email: email)
        return user
    }

    /// How a write names `user`: `{"accountId"}` on Cloud, `{"name"}` on Data Center.
    func userWriteReference(_ user: JSON, for operation: String) throws(ConnectorError) -> JSON {
        if try deployment(for: operation) == .cloud {
            guard let accountID = user["accountId"]?.stringValue, !accountID.isEmpty else {
                throw .invalid("\(operation): Jira Cloud answered a user without an accountId")
            }
            return .object(["accountId": .string(accountID)])
        }
        let name = user["name"]?.stringValue ?? ""
        return name.isEmpty ? .object(["accountId": user["accountId"] ?? .null]) : .object(["name": .string(name)])
    }

    /// The e-mail of a Cloud user whose e-mail Jira hides, from `userMap`.
    var emailsByAccountID: [String: String] {
        Dictionary(config.accountIDsByEmail.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
    }

    /// The zone of the account the connector searches as (`/myself`), fetched once.
    func searchZone(for operation: String) throws(ConnectorError) -> JiraZone {
        if let zone = directory.zone { return zone }
        let myself = try jira(operation, "GET", "/myself")
        let zone = JiraZone.named(myself["timeZone"]?.stringValue ?? "UTC")
        directory.remember(zone: zone)
        if let accountID = myself["accountId"]?.stringValue, !accountID.isEmpty { directory.remember(myself: accountID) }
        return zone
    }
}
