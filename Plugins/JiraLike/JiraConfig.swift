import PluginKit

/// One instance's configuration, read once at instance creation.
///
/// | key | meaning |
/// |---|---|
/// | `baseUrl` | the Jira base URL, context path included (`http://h:8080/jira`) |
/// | `auth` | `basic` `user`/`password` or `bearer` `token`; strings may be `{"secret": NAME}` |
/// | `project` | required: the project key new issues go to and an empty search query means |
/// | `issueType` | optional: the issue type name `create` uses when none is given (default `Task`) |
/// | `integrationUser` | optional: the account the node writes as (default: the basic-auth user) |
struct JiraConfig: Sendable {
    static let keys = ["baseUrl", "auth", "project", "issueType", "integrationUser"]

    let common: ConnectorConfiguration
    let project: String
    let issueType: String
    /// Whose changes `webhook.parse` flags as the node's own.
    let integrationUser: String?

    init(_ json: JSON, host: ConnectorHost) throws(ConnectorError) {
        common = try ConnectorConfiguration(json, host: host)
        project = try ConnectorConfiguration.requiredString(json, "project", host: host)
        guard project.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw .invalid("configuration key 'project' must be a project key of letters and digits, like SUP, not '\(project)'")
        }
        issueType = try ConnectorConfiguration.optionalString(json, "issueType", host: host) ?? "Task"
        if case .basic(let user, _) = common.auth {
            integrationUser = common.integrationUser ?? user
        } else {
            integrationUser = common.integrationUser
        }
    }

    /// Every request's headers: credentials and JSON.
    var headers: [String: String] { ["Authorization": common.auth.headerValue] }

    /// The browse URL people open for `key`.
    func browseURL(_ key: String) -> String { "\(common.baseUrl)/browse/\(key)" }
}
