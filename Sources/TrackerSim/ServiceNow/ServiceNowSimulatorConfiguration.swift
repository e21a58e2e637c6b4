import TandemHTTP
/// How to run a `ServiceNowSimulator`.
public struct ServiceNowSimulatorConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// The account; it also exists as a `sys_user` record.
    public var user = "admin"
    public var password = "admin"
    /// SQLite file that keeps the data across restarts; nil keeps it in memory.
    public var dataPath: String?
    /// URLs that get Tandem's change notification for every incident insert/update/delete
    /// and every attachment added to an incident.
    public var webhooks: [String] = []
    /// When set, deliveries carry `X-Tandem-Signature: sha256=<HMAC-SHA256 of the body>`.
    public var webhookSecret: String?
    public var faults = FaultPolicy()
    /// Largest attachment accepted (413 above).
    public var maxAttachmentBytes = 32 * 1024 * 1024
    /// Set: an ACL hides from the account every record whose
    /// `short_description` contains this text (say "[restricted]"). As on a
    /// real instance, `sysparm_limit` is applied before the ACL, so a list page
    /// comes back short (even empty) in the middle of the result.
    public var aclHiddenMarker: String?
    /// false: reads of `sys_journal_field` answer 403, as for a user without
    /// the role that may read comments and work notes.
    public var journalReadable = true
    /// Set: `POST /oauth_token.do` issues access tokens to this OAuth client
    /// (`client_id`/`client_secret`), by the password grant (the account's
    /// user and password) or client credentials (for the account).
    public var oauthClient: (id: String, secret: String)?
    /// How long an access token lives (`expires_in`); ServiceNow's default is 1800.
    public var oauthTokenSeconds = 1800
    /// Certificate and key: serve HTTPS. nil: plain HTTP.
    public var tls: HTTPServerTLS?

    public init(port: Int = 0, user: String = "admin", password: String = "admin", dataPath: String? = nil,
                webhooks: [String] = [], faults: FaultPolicy = FaultPolicy()) {
        self.port = port
        self.user = user
        self.password = password
        self.dataPath = dataPath
        self.webhooks = webhooks
        self.faults = faults
    }
}
