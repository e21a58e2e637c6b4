import Foundation

/// The fixed configuration of a simulated Jira: users, issue types, priorities,
/// statuses, the workflow, and the one project.
struct JiraCatalog {
    var projectID = "10000"
    var projectKey: String
    var projectName: String
    var users: [JiraUser]
    var issueTypes = [JiraNamed(id: "10001", name: "Task"), JiraNamed(id: "10002", name: "Bug")]
    var priorities = [
        JiraNamed(id: "1", name: "Highest", extra: "#d04437"), JiraNamed(id: "2", name: "High", extra: "#f15C75"),
        JiraNamed(id: "3", name: "Medium", extra: "#f79232"), JiraNamed(id: "4", name: "Low", extra: "#707070"),
        JiraNamed(id: "5", name: "Lowest", extra: "#999999"),
    ]
    var statuses = [
        JiraNamed(id: "1", name: "To Do", extra: "new"),
        JiraNamed(id: "3", name: "In Progress", extra: "indeterminate"),
        JiraNamed(id: "10001", name: "Done", extra: "done"),
    ]
    var resolutions = [JiraNamed(id: "10000", name: "Done"), JiraNamed(id: "10001", name: "Won't Do")]
    /// To Do → In Progress → Done, with the way back to To Do from both.
    var transitions = [
        JiraTransition(id: "11", name: "To Do", from: ["3", "10001"], to: "1"),
        JiraTransition(id: "21", name: "In Progress", from: ["1"], to: "3"),
        JiraTransition(id: "31", name: "Done", from: ["3"], to: "10001"),
    ]
    /// The custom field every simulated project has, for a sync node's remote key.
    let remoteKeyField = "customfield_10010"
    /// Cloud: users are accountIds (no name/key), `/search` and `username=` are refused.
    var cloud = false
    /// Cloud: `emailAddress` is left out of users, as profile visibility may ask.
    var hideEmails = false
    /// false: a create that sets `labels` is refused, as when the create screen lacks them.
    var labelsOnCreateScreen = true
    /// Cloud: how long a change stays out of `/search/jql` unless reconciled.
    var searchLagMilliseconds = 0

    /// `user` is the main account; `others` are the further accounts, users too.
    init(projectKey: String, user: String, others: [String] = []) {
        self.projectKey = projectKey
        self.projectName = projectKey == "SUP" ? "Support" : "Project \(projectKey)"
        // A Cloud login is an e-mail (`sync@example.com`): its name is the part before '@'.
        let login = user.split(separator: "@", maxSplits: 1).first.map(String.init) ?? user
        let email = user.contains("@") ? user : "\(user)@example.com"
        var users = [JiraUser(name: login, displayName: login.capitalized, email: email)]
        for account in others {
            let name = account.split(separator: "@", maxSplits: 1).first.map(String.init) ?? account
            guard !users.contains(where: { $0.name == name }) else { continue }
            users.append(JiraUser(name: name, displayName: name.capitalized, email: account.contains("@") ? account : "\(name)@example.com"))
        }
        for extra in ["alice", "bob"] where !users.contains(where: { $0.name == extra }) {
            users.append(JiraUser(name: extra, displayName: extra.capitalized, email: "\(extra)@example.com"))
        }
        self.users = users
    }

    func user(_ name: String) -> JiraUser? {
        users.first { $0.name == name || $0.accountID == name || $0.email.lowercased() == name.lowercased() }
    }

    func status(_ id: String) -> JiraNamed? { statuses.first { $0.id == id } }
    func priority(_ id: String) -> JiraNamed? { priorities.first { $0.id == id } }
    func issueType(_ id: String) -> JiraNamed? { issueTypes.first { $0.id == id } }
    func resolution(_ id: String) -> JiraNamed? { resolutions.first { $0.id == id } }

    /// Finds by id, or by name ignoring case.
    static func find(_ list: [JiraNamed], idOrName: String) -> JiraNamed? {
        list.first { $0.id == idOrName } ?? list.first { $0.name.lowercased() == idOrName.lowercased() }
    }

    func transitions(from statusID: String) -> [JiraTransition] { transitions.filter { $0.from.contains(statusID) } }
}
