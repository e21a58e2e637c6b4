import PluginKit

/// The ServiceNow Table API connector, plugin id `servicenow-like`.
///
/// Speaks the Table API and the Attachment API through the node's HTTP
/// service. Records are read with `sysparm_display_value=all`, so every choice
/// field (state, priority, impact, urgency) arrives with both its code and its
/// label, and becomes `{"id": code, "name": label}` in the entity.
///
/// Thread: thread-safe. The configuration is immutable; the user caches in
/// `directory` are behind a lock.
final class ServiceNowConnector: Connector {
    static let id = "servicenow-like"
    static let name = "ServiceNow (Table API)"
    static let version = "1.0.0"
    static let operationTable = OperationTable<ServiceNowConnector>([
        ("search", .json(ServiceNowConnector.search)),
        ("get", .json(ServiceNowConnector.get)),
        ("create", .json(ServiceNowConnector.create)),
        ("lookup", .json(ServiceNowConnector.lookup)),
        ("update", .json(ServiceNowConnector.update)),
        ("comment.add", .json(ServiceNowConnector.addComment)),
        ("attachment.get", .result(ServiceNowConnector.getAttachment)),
        ("attachment.put", .json(ServiceNowConnector.putAttachment)),
        ("user.find", .json(ServiceNowConnector.findUser)),
        ("webhook.parse", .json(ServiceNowConnector.parseWebhook)),
        ("version", .json(ServiceNowConnector.version)),
        ("match", .json(ServiceNowConnector.match)),
    ])
    static let isThreadSafe = true
    static let configurationKeys = ServiceNowConfig.keys

    let config: ServiceNowConfig
    let host: ConnectorHost
    let directory = ServiceNowUserDirectory()
    let preflightState = ServiceNowPreflight()
    let oauthToken = ServiceNowOAuthToken()

    /// Refuses a table without `correlation_id` and an account that cannot
    /// read the journal (`ServiceNowPreflight`).
    init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
        config = try ServiceNowConfig(json, host: host)
        self.host = host
        try preflightAtCreation()
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(ServiceNowConnector.self, h, d) }
