import Foundation
import PluginKit

/// One instance's configuration, read once at instance creation.
///
/// | key | meaning |
/// |---|---|
/// | `baseUrl` | the Jira base URL, context path included (`http://h:8080/jira`) |
/// | `auth` | `basic` `user`/`password` or `bearer` `token`; strings may be `{"secret": NAME}` |
/// | `project` | required: the project key new issues go to and an empty search query means |
/// | `issueType` | optional: the issue type name `create` uses when none is given (default `Task`) |
/// | `deployment` | optional: `cloud` or `datacenter`; absent: read once from `serverInfo` |
/// | `integrationUser` | optional: the account the node writes as. Data Center: its user name (default: the basic-auth user). Cloud: its accountId (default: `/myself`'s) |
/// | `userMap` | optional, Cloud: a JSON file `{"alice@example.com": "<accountId>"}` for users whose e-mail Jira hides |
struct JiraConfig: Sendable {
    static let keys = ["baseUrl", "auth", "project", "issueType", "deployment", "integrationUser", "userMap"]

    let common: ConnectorConfiguration
    let project: String
    let issueType: String
    /// nil: ask the server once.
    let deployment: JiraDeployment?
    /// Whose changes `webhook.parse` flags as the node's own, as configured.
    let integrationUser: String?
    /// The basic-auth user: on Data Center the default integration user; on
    /// Cloud an e-mail, which Cloud does not name actors by.
    let login: String?
    /// Lower-cased e-mail → accountId, from `userMap`.
    let accountIDsByEmail: [String: String]

    init(_ json: JSON, host: ConnectorHost) throws(ConnectorError) {
        common = try ConnectorConfiguration(json, host: host)
        project = try ConnectorConfiguration.requiredString(json, "project", host: host)
        guard project.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw .invalid("configuration key 'project' must be a project key of letters and digits, like SUP, not '\(project)'")
        }
        issueType = try ConnectorConfiguration.optionalString(json, "issueType", host: host) ?? "Task"
        switch try ConnectorConfiguration.optionalString(json, "deployment", host: host) {
        case nil: deployment = nil
        case "cloud": deployment = .cloud
        case "datacenter", "server": deployment = .datacenter
        case let other?: throw .invalid("configuration key 'deployment' must be 'cloud' or 'datacenter', not '\(other)'")
        }
        integrationUser = common.integrationUser
        if case .basic(let user, _) = common.auth { login = user } else { login = nil }
        if let path = try ConnectorConfiguration.optionalString(json, "userMap", host: host) {
            accountIDsByEmail = try Self.readUserMap(path)
        } else {
            accountIDsByEmail = [:]
        }
    }

    /// `{"e-mail": "accountId", …}` from `path`, keys lower-cased.
    static func readUserMap(_ path: String) throws(ConnectorError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid("configuration key 'userMap': cannot read '\(path)'; give the path of a JSON file {\"alice@example.com\": \"<accountId>\"}")
        }
        let parsed: JSON
        do { parsed = try JSON(parsing: Array(data)) } catch {
            throw .invalid("configuration key 'userMap': '\(path)' is not JSON (\(error.message))")
        }
        guard let members = parsed.objectValue else {
            throw .invalid("configuration key 'userMap': '\(path)' must hold one object {\"alice@example.com\": \"<accountId>\"}")
        }
        var map: [String: String] = [:]
        for (email, value) in members {
            guard email.contains("@"), let accountID = value.stringValue, !accountID.isEmpty else {
                throw .invalid("configuration key 'userMap': entry '\(email)' must map an e-mail to an accountId string")
            }
            map[email.lowercased()] = accountID
        }
        return map
    }

    /// Every request's headers: credentials and JSON.
    var headers: [String: String] { ["Authorization": common.auth.headerValue] }

    /// The browse URL people open for `key`.
    func browseURL(_ key: String) -> String { "\(common.baseUrl)/browse/\(key)" }
}
