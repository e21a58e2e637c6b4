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
    static let operations = ["search", "get", "create", "lookup", "update", "comment.add",
                             "attachment.get", "attachment.put", "user.find", "webhook.parse", "version", "match"]
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

    func perform(_ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        if ["get", "create", "lookup", "comment.add"].contains(operation) { try preflight(for: operation) }
        switch operation {
        case "search": return OperationResult(try search(request))
        case "get": return OperationResult(try get(request))
        case "create": return OperationResult(try create(request))
        case "lookup": return OperationResult(try lookup(request))
        case "update": return OperationResult(try update(request))
        case "comment.add": return OperationResult(try addComment(request))
        case "attachment.get": return try getAttachment(request)
        case "attachment.put": return OperationResult(try putAttachment(request))
        case "user.find": return OperationResult(try findUser(request))
        case "webhook.parse": return OperationResult(try parseWebhook(request))
        case "match": return OperationResult(try match(request))
        case "version": return OperationResult(try version(request))
        default: throw .unsupported("operation '\(operation)' is not implemented by \(Self.id)")
        }
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(ServiceNowConnector.self, h, d) }
