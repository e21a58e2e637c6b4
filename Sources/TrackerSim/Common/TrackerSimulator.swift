import Synchronization

/// What both simulators share: the HTTP front, the webhook dispatcher and
/// the lifecycle.
///
/// Lifecycle: `init` opens the data (a file with `dataPath`, else memory);
/// `start()` binds and returns the port; `stop()` stops serving and the
/// webhook threads. Thread-safe: requests run on the server's threads.
/// (`@unchecked` only because a base class cannot be final: every stored
/// property is immutable or behind a lock.)
public class TrackerSimulator: @unchecked Sendable {
    let server: SimServer
    let dispatcher: WebhookDispatcher
    private let settings: any SimulatorSettings
    private let boundPort = Mutex(0)

    init(settings: any SimulatorSettings, server: SimServer, retryHeader: String) {
        self.settings = settings
        self.server = server
        dispatcher = WebhookDispatcher(retryHeader: retryHeader)
    }

    /// Called once the server is bound, before webhooks flow: the simulator
    /// learns the base URL its `self` links use.
    func didBind(baseURL: String) {}

    /// Starts serving; returns the bound port (the configured one, or a free one for 0).
    @discardableResult
    public func start() throws -> Int {
        let port = try server.start(host: settings.host, port: settings.port, maxBodyBytes: settings.maxAttachmentBytes + 1024 * 1024,
                                    tls: settings.tls)
        boundPort.withLock { $0 = port }
        didBind(baseURL: baseURL)
        dispatcher.start()
        return port
    }

    /// Stops serving and delivering webhooks. Data in a `dataPath` file stays.
    public func stop() {
        server.stop()
        dispatcher.stop()
    }

    public var port: Int { boundPort.withLock { $0 } }
    public var baseURL: String { "\(settings.tls == nil ? "http" : "https")://\(settings.host):\(port)" }

    /// Requests answered so far (all, and POST/PUT/PATCH/DELETE); `/_sim/*` not counted.
    public var stats: SimStatsSnapshot { server.stats.snapshot }
    public func resetStats() { server.stats.reset() }

    public var faults: FaultPolicy { server.faults.policy }
    public func setFaults(_ policy: FaultPolicy) { server.faults.setPolicy(policy) }

    /// Webhook deliveries so far: succeeded, given up, pending (queued or in flight).
    public var webhookDeliveries: (delivered: Int, failed: Int, pending: Int) {
        let counts = dispatcher.snapshot
        return (counts.delivered, counts.failed, counts.pending)
    }
}
