import PluginKit
import Synchronization

/// The Jira REST API v2 connector, plugin id `jira-like`.
///
/// Speaks Jira's REST API v2 through the node's HTTP service
/// (`ConnectorHost.http`); it never opens a socket itself. Data Center and
/// Cloud differ in search, users and downloads (`JiraDeployment`); the
/// operations ask `deployment(for:)` where they differ. One instance
/// per configured connection side; the operations are one file each in
/// `Operations/`.
///
/// Thread: thread-safe. The configuration is immutable; the only mutable
/// state is `directory`'s caches, behind a lock.
final class JiraConnector: Connector {
    static let id = "jira-like"
    static let name = "Jira (REST API v2)"
    static let version = "1.0.0"
    static let operations = ["search", "get", "create", "lookup", "update", "comment.add",
                             "attachment.get", "attachment.put", "user.find", "webhook.parse", "match"]
    static let isThreadSafe = true
    static let configurationKeys = JiraConfig.keys

    let config: JiraConfig
    let host: ConnectorHost
    let directory = JiraUserDirectory()

    init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
        config = try JiraConfig(json, host: host)
        self.host = host
    }

    func perform(_ operation: String, _ request: OperationRequest) throws(ConnectorError) -> OperationResult {
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
        default: throw .unsupported("operation '\(operation)' is not implemented by \(Self.id)")
        }
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(JiraConnector.self, h, d) }
