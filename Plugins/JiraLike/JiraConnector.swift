import PluginKit

/// The Jira REST API v2 connector, plugin id `jira-like`.
///
/// Configuration: the common keys of `ConnectorConfiguration` plus `project`
/// (the project key new issues are created in). Tracker operations arrive with
/// the connectors issue; until then it lists only what it implements.
final class JiraConnector: Connector {
    static let id = "jira-like"
    static let name = "Jira (REST API v2)"
    static let version = "0.1.0"
    static let operations: [String] = []
    static let configurationKeys = ["baseUrl", "auth", "project", "integrationUser"]

    let configuration: ConnectorConfiguration
    let project: String

    init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
        configuration = try ConnectorConfiguration(json, host: host)
        project = try ConnectorConfiguration.requiredString(json, "project", host: host)
    }

    func perform(_ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        throw .unsupported("operation '\(operation)' is not implemented")
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(JiraConnector.self, h, d) }
