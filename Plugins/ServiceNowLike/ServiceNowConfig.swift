import PluginKit

/// One instance's configuration, read once at instance creation.
///
/// | key | meaning |
/// |---|---|
/// | `baseUrl` | the instance URL, e.g. `https://acme.service-now.com` |
/// | `auth` | `basic` `user`/`password`, `bearer` `token`, or `oauth` `clientId`/`clientSecret` (+ `user`/`password` for the password grant); strings may be `{"secret": NAME}` |
/// | `table` | optional: the table synced (default `incident`) |
/// | `integrationUser` | optional: the `user_name` the node writes as (default: the basic-auth user) |
struct ServiceNowConfig: Sendable {
    static let keys = ["baseUrl", "auth", "table", "integrationUser"]

    let common: ConnectorConfiguration
    let table: String
    let integrationUser: String?

    init(_ json: JSON, host: ConnectorHost) throws(ConnectorError) {
        common = try ConnectorConfiguration(json, host: host, acceptsOAuth: true)
        table = try ConnectorConfiguration.optionalString(json, "table", host: host) ?? "incident"
        guard !table.isEmpty, table.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" }) else {
            throw .invalid("configuration key 'table' must be a table name of lower-case letters, digits and '_', like incident, not '\(table)'")
        }
        if case .basic(let user, _) = common.auth {
            integrationUser = common.integrationUser ?? user
        } else if case .oauth(_, _, let user?, _) = common.auth {
            integrationUser = common.integrationUser ?? user
        } else {
            integrationUser = common.integrationUser
        }
    }

    /// The form URL people open for a record.
    func recordURL(_ sysID: String) -> String { "\(common.baseUrl)/\(table).do?sys_id=\(sysID)" }
}
