import PluginKit

/// The ServiceNow Table API connector, plugin id `servicenow-like`.
///
/// Configuration: the common keys of `ConnectorConfiguration` plus `table`
/// (default `incident`). Tracker operations arrive with the connectors issue;
/// until then it lists only what it implements.
final class ServiceNowConnector: Connector {
    static let id = "servicenow-like"
    static let name = "ServiceNow (Table API)"
    static let version = "0.1.0"
    static let operations: [String] = []
    static let configurationKeys = ["baseUrl", "auth", "table", "integrationUser"]

    let configuration: ConnectorConfiguration
    let table: String

    init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
        configuration = try ConnectorConfiguration(json, host: host)
        table = try ConnectorConfiguration.optionalString(json, "table", host: host) ?? "incident"
    }

    func perform(_ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        throw .unsupported("operation '\(operation)' is not implemented")
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(ServiceNowConnector.self, h, d) }
