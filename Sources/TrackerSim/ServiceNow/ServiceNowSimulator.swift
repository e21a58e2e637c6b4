import Synchronization
import TandemHTTP
import TandemJSON
import TandemTime
import TandemDigest

/// A simulated ServiceNow instance (Table API and Attachment API) served over HTTP,
/// in this process. Same lifecycle (`TrackerSimulator`) and thread model as `JiraSimulator`.
public final class ServiceNowSimulator: TrackerSimulator {
    public let configuration: ServiceNowSimulatorConfiguration
    let state: Mutex<ServiceNowState>
    let webhookURLs: Mutex<[String]>

    /// - Throws: `SQLError` or a decoding error when the data file cannot be used.
    public init(configuration: ServiceNowSimulatorConfiguration) throws {
        self.configuration = configuration
        let store = try SimStore(path: configuration.dataPath)
        state = Mutex(try ServiceNowState(store: store, baseURL: "http://\(configuration.host):\(configuration.port)", user: configuration.user,
                                                  others: configuration.accounts.map(\.user)))
        webhookURLs = Mutex(configuration.webhooks)
        let server = SimServer(
            credentials: SimCredentials(user: configuration.user, password: configuration.password, others: configuration.accounts),
            faults: configuration.faults,
            flavor: SimFlavor(
                error: { status, message in
                    switch status {
                    case 401: return ServiceNowSimulator.envelope(ServiceNowFailure(401, "User Not Authenticated", "Required to provide Auth information"))
                    case 404: return ServiceNowSimulator.envelope(ServiceNowFailure(404, "Requested URI does not represent any resource", message))
                    default: return ServiceNowSimulator.envelope(ServiceNowFailure(status, message))
                    }
                },
                anonymousPaths: ["/oauth_token.do"],
                rateLimitHeaders: { limit in
                    [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Reset", String(Timestamp.now() / 1000 + 1)),
                     ("X-RateLimit-Rule", "tandem-sim-rate-limit")]
                }))
        super.init(settings: configuration, server: server, retryHeader: "X-Tandem-Retry")
        registerRoutes()
    }

    override func didBind(baseURL: String) {
        state.withLock { $0.baseURL = baseURL }
    }

    public func addWebhook(url: String) { webhookURLs.withLock { $0.append(url) } }

    static func envelope(_ failure: ServiceNowFailure) -> HTTPResponse {
        .json(failure.status, ["error": ["message": .string(failure.message), "detail": failure.detail.map(JSON.string) ?? .null],
                               "status": "failure"])
    }

    /// Runs `body` under the state lock, then queues the notifications it produced.
    func withState(_ body: (ServiceNowState) throws -> HTTPResponse) -> HTTPResponse {
        do {
            let (response, payloads) = try state.withLock { state -> (HTTPResponse, [JSON]) in
                defer { state.outbox.removeAll() }
                do {
                    return (try body(state), state.outbox)
                } catch {
                    state.outbox.removeAll()
                    throw error
                }
            }
            deliver(payloads)
            return response
        } catch let failure as ServiceNowFailure {
            return Self.envelope(failure)
        } catch let error as HTTPResponseError {
            let reason = (try? JSON(parsing: error.response.body)["reason"]?.stringValue) ?? nil
            return Self.envelope(ServiceNowFailure(error.response.status, "Exception while reading request", reason))
        } catch {
            return Self.envelope(ServiceNowFailure(500, "Internal server error", "\(error)"))
        }
    }

    private func deliver(_ payloads: [JSON]) {
        let urls = webhookURLs.withLock { $0 }
        guard !payloads.isEmpty, !urls.isEmpty else { return }
        for payload in payloads {
            let body = payload.serialized()
            var headers: HTTPHeaders = ["Content-Type": "application/json", "User-Agent": "ServiceNow/1.0 (tandem-sim)",
                                        "X-Tandem-Delivery": payload["delivery_id"]?.stringValue ?? ""]
            if let secret = configuration.webhookSecret {
                headers["X-Tandem-Signature"] = "sha256=" + Digest.hex(Digest.hmacSHA256(key: Array(secret.utf8), message: body))
            }
            for url in urls { dispatcher.enqueue(url: url, body: body, headers: headers) }
        }
    }
}
