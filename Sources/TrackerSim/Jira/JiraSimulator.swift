import Synchronization
import TandemHTTP
import TandemJSON
import TandemDigest

/// A simulated Jira (REST API v2), Data Center or Cloud flavour
/// (`JiraSimulatorConfiguration.Flavor`), served over HTTP in this process;
/// lifecycle in `TrackerSimulator`. Requests take one lock around the
/// state, so every request sees and leaves a consistent state.
public final class JiraSimulator: TrackerSimulator {
    public let configuration: JiraSimulatorConfiguration
    let state: Mutex<JiraState>
    let webhooks: Mutex<[JiraWebhookRegistration]>

    /// - Throws: `SQLError` or a decoding error when the data file cannot be used.
    public init(configuration: JiraSimulatorConfiguration) throws {
        self.configuration = configuration
        let store = try SimStore(path: configuration.dataPath)
        var catalog = JiraCatalog(projectKey: configuration.projectKey.uppercased(), user: configuration.user,
                                  others: configuration.accounts.map(\.user))
        catalog.cloud = configuration.flavor == .cloud
        catalog.hideEmails = configuration.hideEmails
        catalog.labelsOnCreateScreen = configuration.labelsOnCreateScreen
        catalog.searchLagMilliseconds = configuration.searchLagMilliseconds
        state = Mutex(try JiraState(catalog: catalog, store: store, baseURL: "http://\(configuration.host):\(configuration.port)"))
        var registrations = try store.all("jira.webhook", as: JiraWebhookRegistration.self)
        for (offset, url) in configuration.webhooks.enumerated() {
            registrations.append(JiraWebhookRegistration(id: -1 - offset, name: "--webhook \(offset + 1)", url: url, events: [], enabled: true))
        }
        webhooks = Mutex(registrations)
        let server = SimServer(
            credentials: SimCredentials(user: configuration.user, password: configuration.password, others: configuration.accounts),
            faults: configuration.faults,
            flavor: SimFlavor(
                error: { status, message in
                    let text = status == 401 ? "You are not authenticated. Authentication required to perform this operation." : message
                    var response = JiraSimulator.envelope(JiraFailure(status, text))
                    if status == 401 { response.headers["WWW-Authenticate"] = "Basic realm=\"protected-area\"" }
                    return response
                },
                anonymousPaths: ["/rest/api/2/serverInfo", "/rest/api/latest/serverInfo"],
                rateLimitHeaders: { limit in
                    [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", "0"), ("RateLimit-Reason", "jira-burst-based")]
                }))
        super.init(settings: configuration, server: server, retryHeader: "X-Atlassian-Webhook-Retry")
        registerRoutes()
    }

    override func didBind(baseURL: String) {
        state.withLock { $0.baseURL = baseURL }
    }

    /// Registers `url` for every webhook event (like `--webhook`).
    public func addWebhook(url: String) {
        webhooks.withLock { $0.append(JiraWebhookRegistration(id: -1 - $0.count, name: "added", url: url, events: [], enabled: true)) }
    }

    static func envelope(_ failure: JiraFailure) -> HTTPResponse {
        .json(failure.status, .object([
            "errorMessages": .array(failure.messages.map(JSON.string)),
            "errors": .object(failure.errors.mapValues(JSON.string)),
        ]))
    }

    /// Runs `body` under the state lock, then hands the webhooks it produced to the
    /// delivery thread. Failures become Jira's error envelope.
    func withState(_ body: (JiraState) throws -> HTTPResponse) -> HTTPResponse {
        do {
            let (response, payloads) = try state.withLock { state -> (HTTPResponse, [JSON]) in
                defer { state.outbox.removeAll() }
                let response = try body(state)
                return (response, state.outbox)
            }
            deliver(payloads)
            return response
        } catch let failure as JiraFailure {
            return Self.envelope(failure)
        } catch let error as HTTPResponseError {
            var failure = JiraFailure(error.response.status, "Invalid request")
            if let reason = try? JSON(parsing: error.response.body)["reason"]?.stringValue { failure.messages = [reason] }
            return Self.envelope(failure)
        } catch {
            return Self.envelope(JiraFailure(500, "Internal server error: \(error)"))
        }
    }

    private func deliver(_ payloads: [JSON]) {
        guard !payloads.isEmpty else { return }
        let targets = webhooks.withLock { $0 }
        for payload in payloads {
            let event = payload["webhookEvent"]?.stringValue ?? ""
            let body = payload.serialized()
            for target in targets where target.wants(event) {
                var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8",
                                            "User-Agent": "Atlassian Webhook HTTP Client",
                                            "X-Atlassian-Webhook-Identifier": SimIdentifiers.uuid()]
                if let secret = configuration.webhookSecret {
                    headers["X-Hub-Signature"] = "sha256=" + Digest.hex(Digest.hmacSHA256(key: Array(secret.utf8), message: body))
                }
                dispatcher.enqueue(url: target.url, body: body, headers: headers)
            }
        }
    }
}
