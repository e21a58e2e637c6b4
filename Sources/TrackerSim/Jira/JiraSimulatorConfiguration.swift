import TandemHTTP
/// How to run a `JiraSimulator`.
public struct JiraSimulatorConfiguration: Sendable {
    /// Which Jira the simulator plays. Data Center: `/search` with offsets,
    /// users by name. Cloud: `/search` answers 410 (only `/search/jql`),
    /// `username=` answers 400, users are accountIds, attachment content
    /// redirects (303) unless `redirect=false`.
    public enum Flavor: String, Sendable, CaseIterable {
        case datacenter, cloud
    }

    public var flavor = Flavor.datacenter
    /// Cloud: users' `emailAddress` is left out, as when profile visibility hides it.
    public var hideEmails = false
    /// false: the create screen lacks `labels`, so a create that sets them is
    /// refused (400), as on projects whose screen was trimmed; edits still may.
    public var labelsOnCreateScreen = true
    /// Cloud: `/search/jql` leaves out issues changed in the last N ms (not
    /// indexed yet: Cloud's search is eventually consistent) unless the request
    /// names them in `reconcileIssues`. 0: consistent at once.
    public var searchLagMilliseconds = 0
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    public var user = "admin"
    public var password = "admin"
    /// Further accounts, each also a user of the tracker: writes made through
    /// one carry its name as the actor (a sync node's integration user).
    public var accounts: [SimAccount] = []
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
