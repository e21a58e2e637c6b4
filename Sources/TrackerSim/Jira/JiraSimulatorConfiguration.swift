import TandemHTTP
/// How to run a `JiraSimulator`.
public struct JiraSimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    public var user = "admin"
    public var password = "admin"
    /// The key of the one project (issue types Task and Bug, workflow To Do → In Progress → Done).
    public var projectKey = "SUP"
    /// SQLite file that keeps the data across restarts; nil keeps it in memory.
    public var dataPath: String?
    /// URLs that get every webhook event (as if registered with no event filter).
    public var webhooks: [String] = []
    /// When set, deliveries carry `X-Hub-Signature: sha256=<HMAC-SHA256 of the body>`.
    public var webhookSecret: String?
    public var faults = FaultPolicy()
    /// Largest attachment accepted (413 above); Jira's default is 10 MiB.
    public var maxAttachmentBytes = 10 * 1024 * 1024
    /// Certificate and key: serve HTTPS. nil: plain HTTP.
    public var tls: HTTPServerTLS?

    public init(port: Int = 0, user: String = "admin", password: String = "admin", projectKey: String = "SUP",
                dataPath: String? = nil, webhooks: [String] = [], faults: FaultPolicy = FaultPolicy()) {
        self.port = port
        self.user = user
        self.password = password
        self.projectKey = projectKey
        self.dataPath = dataPath
        self.webhooks = webhooks
        self.faults = faults
    }
}
