import PluginKit
import Synchronization

/// What an instance remembers between calls: users found by email, and the
/// searching user's time zone (JQL reads date literals in it).
///
/// Invariant: entries only ever describe what Jira answered; a miss is not
/// cached, so a user created later is found. Thread-safe (one lock).
final class JiraUserDirectory: Sendable {
    private let usersByEmail = Mutex<[String: JSON]>([:])
    private let zoneOffset = Mutex<JiraZone?>(nil)

    func user(email: String) -> JSON? { usersByEmail.withLock { $0[email.lowercased()] } }
    func remember(_ user: JSON, email: String) { usersByEmail.withLock { $0[email.lowercased()] = user } }

    var zone: JiraZone? { zoneOffset.withLock { $0 } }
    func remember(zone: JiraZone) { zoneOffset.withLock { $0 = zone } }
}

/// The searching user's zone, as JQL needs it.
struct JiraZone: Sendable {
    let identifier: String
    /// Seconds east of UTC at `millis`.
    let offsetAt: @Sendable (Int64) -> Int
}

extension JiraConnector {
    /// The Jira user with `email` (matched ignoring case), through `/user/search`.
    ///
    /// - Throws: `.notFound` naming the email when nobody has it.
    func jiraUser(email: String, for operation: String) throws(ConnectorError) -> JSON {
        if let known = directory.user(email: email) { return known }
        let found = try jira(operation, "GET", "/user/search", query: [("username", email), ("maxResults", "50")])
        let wanted = email.lowercased()
        guard let user = found.arrayValue?.first(where: { $0["emailAddress"]?.stringValue?.lowercased() == wanted }) else {
            throw .notFound("\(operation): no Jira user has the email '\(email)'")
        }
        directory.remember(user, email: email)
        return user
    }

    /// The zone of the account the connector searches as (`/myself`), fetched once.
    func searchZone(for operation: String) throws(ConnectorError) -> JiraZone {
        if let zone = directory.zone { return zone }
        let myself = try jira(operation, "GET", "/myself")
        let zone = JiraZone.named(myself["timeZone"]?.stringValue ?? "UTC")
        directory.remember(zone: zone)
        return zone
    }
}
