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
    static let operationTable = OperationTable<JiraConnector>([
        ("search", .json(JiraConnector.search)),
        ("get", .json(JiraConnector.get)),
        ("create", .json(JiraConnector.create)),
        ("lookup", .json(JiraConnector.lookup)),
        ("update", .json(JiraConnector.update)),
        ("comment.add", .json(JiraConnector.addComment)),
        ("attachment.get", .result(JiraConnector.getAttachment)),
        ("attachment.put", .json(JiraConnector.putAttachment)),
        ("user.find", .json(JiraConnector.findUser)),
        ("webhook.parse", .json(JiraConnector.parseWebhook)),
        ("match", .json(JiraConnector.match)),
    ])
    static let isThreadSafe = true
    static let configurationKeys = JiraConfig.keys

    let config: JiraConfig
    let host: ConnectorHost
    let directory = JiraUserDirectory()

    init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
        config = try JiraConfig(json, host: host)
        self.host = host
    }
}

@_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 { exportConnector(JiraConnector.self, h, d) }
