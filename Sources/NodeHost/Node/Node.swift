import Foundation
import SyncScript
import TandemHTTP
import TandemJSON
import TandemTime

/// One Tandem node: its store, plugin instances, connections and HTTP listener.
///
/// `start` validates everything an operator can get wrong before serving
/// (plugins present and loadable, configs accepted by their plugins, scripts
/// that parse) and fails with a message naming the problem; `stop` finishes
/// the work in hand and closes the store. A restarted node resumes from its
/// store: pending changes, outbox and inbox survive.
///
/// HTTP routes: `/hooks/{instance}` (tracker webhooks), `/peer/v1/…` (other
/// nodes, signed), `/admin/v1/…` (operators, loopback + token), `/healthz`,
/// `/readyz`, `/metrics`.
public final class Node: @unchecked Sendable {
    public let config: NodeConfig
    public let logger: Logger
    public let metrics = Metrics()
    private var store: Store?
    private var contexts: [String: ConnectionContext] = [:]
    private var schedulers: [LaneScheduler] = []
    private var senders: [PeerSender] = []
    private var pollers: [Poller] = []
    private var server: HTTPServer?
    private let readiness = NSLock()
    private var ready = false

    public init(config: NodeConfig, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// Opens the store, loads plugins and scripts, starts serving and syncing.
    ///
    /// - Returns: the port the node listens on.
    /// - Throws: `NodeStartError` naming what to fix.
    public func start() throws(NodeStartError) -> Int {
        logger.redact(secrets())
        let store = try openStore()
        self.store = store
        let plugins = try loadPlugins()
        var instances: [String: (PluginInstance, TrackerHTTPService)] = [:]
        let client = HTTPClient()
        for name in Set(config.connections.values.map(\.instance)).sorted() {
            instances[name] = try makeInstance(name, plugins: plugins, client: client)
        }
        for (name, connection) in config.connections.sorted(by: { $0.key < $1.key }) {
            let (instance, http) = instances[connection.instance]!
            contexts[name] = ConnectionContext(
                config: connection, nodeName: config.node.name, instance: instance, trackerHTTP: http,
                outgoingScript: try parseScript(connection.outgoingScript), incomingScript: try parseScript(connection.incomingScript),
                store: store, logger: logger, metrics: metrics,
                samePeer: Set(config.connections.filter { $0.key != name && $0.value.peer.url == connection.peer.url }.keys))
        }
        registerGauges(store: store)
        metrics.declareStandardSeries(connections: contexts.keys.sorted())
        let port = try startServer(store: store)
        for context in contexts.values.sorted(by: { $0.name < $1.name }) {
            let scheduler = LaneScheduler(context: context)
            scheduler.start()
            schedulers.append(scheduler)
            let sender = PeerSender(context: context)
            sender.start()
            senders.append(sender)
            if let interval = context.config.trigger.pollSeconds {
                let poller = Poller(context: context, interval: interval)
                poller.start()
                pollers.append(poller)
            }
        }
        readiness.withLock { ready = true }
        logger.info("node started", ["port": .int(Int64(port)), "connections": .array(contexts.keys.sorted().map(JSON.string))])
        return port
    }

    /// Finishes the item each worker has in hand, stops serving, and returns.
    public func stop() {
        readiness.withLock { ready = false }
        pollers.forEach { $0.stop() }
        server?.stop()
        schedulers.forEach { $0.stop() }
        senders.forEach { $0.stop() }
        logger.info("node stopped")
    }

    // MARK: - Start-up steps

    private func secrets() -> [String] {
        var values = [config.node.adminToken] + config.connections.values.map(\.peer.secret)
        func collect(_ json: JSON, key: String) {
            switch json {
            case .object(let members): for (name, value) in members { collect(value, key: name) }
            case .array(let items): items.forEach { collect($0, key: key) }
            case .string(let text) where ["password", "token", "secret", "apiKey", "clientSecret"].contains(key): values.append(text)
            default: break
            }
        }
        config.instances.values.forEach { collect($0.config, key: "") }
        return values
    }

    private func openStore() throws(NodeStartError) -> Store {
        do {
            try FileManager.default.createDirectory(atPath: config.node.dataDir, withIntermediateDirectories: true)
            return try Store(path: config.node.dataDir + "/tandem.db")
        } catch {
            throw NodeStartError("cannot open the store in \(config.node.dataDir): \(error)")
        }
    }

    private func loadPlugins() throws(NodeStartError) -> [String: LoadedPlugin] {
        let entries: [PluginScanEntry]
        do { entries = try PluginLoader().scan(directory: config.pluginsDir) } catch {
            throw NodeStartError("\(error); set \"pluginsDir\" or run `make plugins`")
        }
        var plugins: [String: LoadedPlugin] = [:]
        for entry in entries {
            switch entry.outcome {
            case .success(let plugin): plugins[plugin.id] = plugin
            case .failure(let refusal): logger.warn("plugin refused: \(entry.file): \(refusal)")
            }
        }
        return plugins
    }

    private func makeInstance(_ name: String, plugins: [String: LoadedPlugin],
                              client: HTTPClient) throws(NodeStartError) -> (PluginInstance, TrackerHTTPService) {
        let instance = config.instances[name]!
        guard let plugin = plugins[instance.plugin] else {
            throw NodeStartError("$.instances.\(name).plugin: plugin '\(instance.plugin)' is not loaded from \(config.pluginsDir) (loaded: \(plugins.keys.sorted().joined(separator: ", "))); `tandem plugins list --dir \(config.pluginsDir)` shows why")
        }
        let http = TrackerHTTPService(baseUrl: instance.config["baseUrl"]?.stringValue ?? "http://invalid", client: client,
                                      defaultTimeoutMs: instance.timeoutMs, maxRequestsPerSecond: instance.maxRequestsPerSecond)
        let logger = self.logger
        let metrics = self.metrics
        let services = HostServices(
            log: { instance, level, message in
                logger.log([.debug, .info, .warn, .error][Int(max(0, min(3, level)))], message, ["instance": .string(instance)])
            },
            http: { request in
                let result = http.perform(request)
                let status = (try? result.get().status).map(String.init) ?? "error"
                metrics.increment("tandem_tracker_requests_total", ["instance": name, "status": status])
                return result
            },
            secret: { secretName in ProcessInfo.processInfo.environment["TANDEM_SECRET_" + secretName] },
            nowMs: { Timestamp.now() })
        do {
            return (try PluginInstance(plugin: plugin, name: name, configuration: instance.config, services: services), http)
        } catch {
            throw NodeStartError("$.instances.\(name).config: \(plugin.id) refused it: \(error.message)")
        }
    }

    private func parseScript(_ path: String) throws(NodeStartError) -> Script {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeStartError("cannot read script \(path)")
        }
        do {
            return try Script(source: String(decoding: data, as: UTF8.self), file: path)
        } catch {
            throw NodeStartError("script error:\n\(error)")
        }
    }

    private func registerGauges(store: Store) {
        let names = contexts.keys.sorted()
        metrics.addGaugeSource {
            var gauges: [(name: String, labels: [String: String], value: Double)] = []
            for name in names {
                guard let depths = try? store.read({ tx in
                    (try tx.pendingCount(connection: name), try tx.outboxDepth(connection: name),
                     try tx.inboxDepth(connection: name), try tx.openParked(connection: name).count)
                }) else { continue }
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "pending"], Double(depths.0)))
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "outbox"], Double(depths.1)))
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "inbox"], Double(depths.2)))
                gauges.append(("tandem_parked_errors", ["connection": name], Double(depths.3)))
            }
            return gauges
        }
    }

    private func startServer(store: Store) throws(NodeStartError) -> Int {
        let receiver = PeerReceiver(contexts: contexts, store: store, logger: logger)
        var byInstance: [String: [ConnectionContext]] = [:]
        for context in contexts.values where context.config.trigger.webhook {
            byInstance[context.config.instance, default: []].append(context)
        }
        let hooks = WebhookIntake(connectionsByInstance: byInstance, store: store)
        let admin = AdminAPI(contexts: contexts, store: store, adminToken: config.node.adminToken)
        let router = Router()
        router.add("POST", "/hooks/{instance}") { hooks.handle($0) }
        let health = HealthCheck(trackers: config.instances.mapValues { $0.config["baseUrl"]?.stringValue ?? "http://invalid" })
        router.add("GET", "/healthz") { _ in health.handle() }
        router.add("GET", "/readyz") { [weak self] _ in
            self?.readiness.withLock({ self?.ready ?? false }) == true ? .json(200, ["status": "ready"]) : .error(503, "starting or stopping")
        }
        let metrics = self.metrics
        router.add("GET", "/metrics") { _ in
            var response = HTTPResponse.text(200, metrics.render())
            response.headers["Content-Type"] = "text/plain; version=0.0.4"
            return response
        }
        var configuration = HTTPServerConfiguration()
        configuration.host = config.node.host
        configuration.port = config.node.port
        let server = HTTPServer(configuration: configuration) { request in
            // Authentication before routing: nothing under /peer/v1/ is routed unsigned.
            if request.path.hasPrefix("/peer/") { return receiver.handle(request) }
            if request.path.hasPrefix("/admin/") { return admin.handle(request) }
            return router.handle(request)
        }
        do {
            let port = try server.start()
            self.server = server
            return port
        } catch {
            throw NodeStartError("cannot listen on \(config.node.host):\(config.node.port): \(error); is another node running there?")
        }
    }
}
