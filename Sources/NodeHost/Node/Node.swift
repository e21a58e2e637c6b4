import Foundation
import SyncScript
import TandemHTTP
import TandemJSON
#if canImport(Glibc)
import Glibc
#endif
import TandemTime
import TandemThreads

/// One Tandem node: its store, plugin instances, connections and HTTP listener.
///
/// `start` validates everything an operator can get wrong before serving
/// (plugins present and loadable, configs accepted by their plugins, scripts
/// that parse) and fails with a message naming the problem; `stop` lets the
/// work in hand finish for at most `stopGraceSeconds`, since every step is
/// crash-safe. A restarted node resumes from its
/// store: pending changes, outbox and inbox survive.
///
/// HTTP routes: `/hooks/{instance}` (tracker webhooks), `/peer/v1/…` (other
/// nodes, signed), `/admin/v1/…` (operators, loopback + token), `/healthz`,
/// `/readyz`, `/metrics`.
///
/// `reload` (admin API, SIGHUP) applies a changed configuration and plugins
/// folder while running; see Node+Reload.swift.
public final class Node: @unchecked Sendable {
    /// The configuration in force (changed only by `reload`).
    public var config: NodeConfig { state.withLock { current } }
    public let logger: Logger
    public let metrics = Metrics()
    /// Where `reload` reads the configuration again; nil: this node cannot reload.
    public var configurationSource: (@Sendable () throws(ConfigError) -> NodeConfig)?
    /// Guards `current` and `routes`: read by any request thread, written by reload.
    private let state = NSLock()
    private var current: NodeConfig
    private var routes: NodeRoutes?
    /// Everything below is owned by start/stop/reload, which `changes` serialises.
    let changes = NSLock()
    var store: Store?
    var connections: [String: Connection] = [:]
    var workers: [String: ConnectionWorkers] = [:]
    var instances: [String: InstanceHandle] = [:]
    var plugins = LoadedPlugins()
    var scriptSources: [String: [String]] = [:]
    let client = HTTPClient()
    private var monitor: PluginCallMonitor?
    private var stallWatch: StallWatch?
    private var lock: DataFolderLock?
    private var pruner: HistoryPruner?
    /// The creates every connection tried, for as long as the node runs.
    private(set) var creates = CreateLedger(inboxBefore: 0)
    /// Plugin files refused at start, `file: reason`, for the console.
    private var refusedPlugins: [String] = []
    /// Lets `start` begin a new, empty store where the data folder shows it had one (`tandem run --new-store`).
    public var allowNewStore = false
    private var server: HTTPServer?
    private let readiness = NSLock()
    private var ready = false

    public init(config: NodeConfig, logger: Logger) {
        self.current = config
        self.logger = logger
    }

    func setConfig(_ config: NodeConfig) { state.withLock { current = config } }

    /// Opens the store, loads plugins and scripts, starts serving and syncing.
    ///
    /// - Returns: the port the node listens on.
    /// - Throws: `NodeStartError` naming what to fix.
    public func start() throws(NodeStartError) -> Int {
        changes.lock()
        defer { changes.unlock() }
        Malloc.limitArenas()
        let config = self.config
        logger.redact(secrets(config))
        let store = try openStore()
        store.recordsHistory = config.node.history.enabled
        self.store = store
        try startMonitor(store: store)
        plugins = try loadPlugins()
        for name in Set(config.connections.values.map(\.instance)).sorted() {
            instances[name] = try makeInstance(name, config: config)
        }
        do {
            creates = CreateLedger(inboxBefore: try store.read { try $0.lastInboxID() })
        } catch {
            throw NodeStartError("cannot read the store \(store.path): \(error); if the file is damaged, restore it from a backup (`tandem restore`, docs/operations.md)")
        }
        for (name, connection) in config.connections.sorted(by: { $0.key < $1.key }) {
            connections[name] = try makeConnection(name, connection, config: config, instance: instances[connection.instance]!, store: store)
        }
        try restorePauses(store: store)
        registerGauges(store: store)
        observeStoreFaults(store)
        metrics.declareStandardSeries(connections: connections.keys.sorted())
        let port = try startServer(store: store)
        for connection in connections.values.sorted(by: { $0.name < $1.name }) {
            workers[connection.name] = ConnectionWorkers.start(connection)
        }
        stallWatch?.start()
        let pruner = HistoryPruner(store: store, retention: config.node.history, logger: logger, metrics: metrics)
        pruner.start()
        self.pruner = pruner
        readiness.withLock { ready = true }
        logger.info("node started", ["port": .int(Int64(port)), "connections": .array(connections.keys.sorted().map(JSON.string))])
        return port
    }

    /// `stop`, bounded: returns false after `seconds` if a worker is still
    /// inside a plugin call that does not return. Its item stays in the store
    /// (nothing was committed for it) and is taken up again after a restart.
    public func stop(within seconds: Double) -> Bool {
        let done = DispatchSemaphore(value: 0)
        // Detached: when a plugin call never returns, neither does this thread.
        let stopper = WorkerThread.start(name: "tandem.stop", detached: true) { [self] in
            stop()
            done.signal()
        }
        if stopper == nil { stop(); return true }
        if done.wait(timeout: .now() + seconds) == .success { return true }
        let now = Timestamp.now()
        let stuck = monitor?.calls.runningCalls.values.map { StallWatch.describe($0, now: now) }.sorted() ?? []
        monitor?.calls.markCleanExit()
        logger.error("stopping without waiting longer for plugin calls that have not returned; their work stays queued in the store",
                     ["calls": .array(stuck.map(JSON.string))])
        return false
    }

    /// Stops polling, working and serving; returns within about `stopGraceSeconds`
    /// (plus the server's own stop): a thread still in a plugin or peer call
    /// then is left to the process exit, as every step commits atomically.
    public func stop() {
        readiness.withLock { ready = false }
        changes.lock()
        defer { changes.unlock() }
        stallWatch?.stop()
        let deadline = Date(timeIntervalSinceNow: Self.stopGraceSeconds)
        workers.values.forEach { $0.requestStop() }
        server?.stop()
        let busy = workers.values.reduce(0) { $0 + $1.stop(until: deadline) }
        workers = [:]
        pruner?.stop()
        if busy > 0 {
            let now = Timestamp.now()
            let stuck = monitor?.calls.runningCalls.values.map { StallWatch.describe($0, now: now) }.sorted() ?? []
            logger.error("stopping without waiting longer for plugin calls that have not returned; their work stays queued in the store",
                         ["calls": .array(stuck.map(JSON.string)), "threads": .int(Int64(busy))])
        }
        monitor?.calls.markCleanExit()
        if busy == 0, lock != nil { StoreHealth.noteCleanStop(dataDir: config.node.dataDir, path: config.node.dataDir + "/tandem.db") }
        lock = nil
        logger.info("node stopped")
    }

    /// How long `stop` lets threads finish the step in hand: a stop must be
    /// prompt whatever a tracker is doing, and every step is crash-safe.
    static let stopGraceSeconds = 0.7

    // MARK: - Start-up steps

    func secrets(_ config: NodeConfig) -> [String] { config.secretValues }

    /// Opens the store after checking the data folder: writable, not in use
    /// by another node (`DataFolderLock`), and holding the store it had
    /// (`StoreMarker`), undamaged (`PRAGMA quick_check`).
    private func openStore() throws(NodeStartError) -> Store {
        let folder = config.node.dataDir
        let notWritable = { NodeStartError("the data folder \(folder) is not writable (\(String(cString: strerror(errno)))); the node writes its store there: fix its permissions or mount it read-write") }
        do { try PrivateFiles.directory(folder) } catch {
            // An existing folder on a read-only mount cannot be narrowed either: say what matters.
            if access(folder, F_OK) == 0, access(folder, W_OK) != 0 { throw notWritable() }
            throw NodeStartError("cannot create the data folder \(folder): \(error)")
        }
        guard access(folder, W_OK) == 0 else { throw notWritable() }
        lock = try DataFolderLock(dataDir: folder)
        let path = folder + "/tandem.db"
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let marker = try StoreMarker.read(dataDir: folder)
        if let marker, (size ?? 0) == 0, !allowNewStore {
            throw NodeStartError("\(path) is \(size == nil ? "missing" : "empty"), but this data folder held \(marker) (its \(StoreMarker.fileName) file says so). Starting empty would make the peers take this node's new changes for old ones. Restore the store from a backup (`tandem restore --config FILE --from BACKUP`), or start with --new-store and then run `tandem recover --connection NAME` for each connection (docs/operations.md, Recovery)")
        }
        if (size ?? 0) > 0, !StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path) { try StoreHealth.quickCheck(path: path) }
        let store: Store
        do { store = try Store(path: path) } catch {
            throw NodeStartError("cannot open the store \(path): \(error); if the file is damaged, restore it from a backup (`tandem restore`, docs/operations.md)")
        }
        if let marker, !allowNewStore {
            if marker.id != store.identity.id {
                throw NodeStartError("\(path) holds \(store.identity), but this data folder held \(marker) (its \(StoreMarker.fileName) file): another store's file was put here. Restore with `tandem restore --config FILE --from BACKUP`, which records the change, or start with --new-store")
            }
            if marker.epoch > store.identity.epoch {
                throw NodeStartError("\(path) is \(store.identity), older than the epoch \(marker.epoch) this folder reached: a copy put back by hand? Restore backups with `tandem restore --config FILE --from BACKUP` (docs/operations.md)")
            }
        }
        do {
            try store.write { tx in
                if let marker, marker.id != store.identity.id {
                    try tx.awaitRecovery(connection: "*", reason: "was begun again (--new-store) where \(marker) was lost")
                }
                try tx.expandAwaitingRecovery(connections: config.connections.keys.sorted())
            }
        } catch {
            throw NodeStartError("cannot write the store \(path): \(error)")
        }
        if let marker, marker != store.identity {
            logger.warn("started \(store.identity) in a folder that held \(marker); each connection takes no peer batch until `tandem recover --connection NAME` runs here")
        }
        do { try StoreMarker.write(store.identity, dataDir: folder) } catch {
            throw NodeStartError("cannot write \(folder)/\(StoreMarker.fileName): \(error)")
        }
        return store
    }

    /// Maps the in-flight file, charges the calls a dead predecessor left
    /// running to their entities, and starts recording crash signals.
    private func startMonitor(store: Store) throws(NodeStartError) {
        let calls = try InFlightCalls(path: config.node.dataDir + "/" + InFlightCalls.fileName)
        let monitor: PluginCallMonitor
        do { monitor = try PluginCallMonitor(calls: calls, store: store, logger: logger, metrics: metrics) } catch {
            throw NodeStartError("cannot read plugin deaths from the store: \(error)")
        }
        monitor.chargeInterrupted()
        calls.installCrashRecorder()
        self.monitor = monitor
        stallWatch = StallWatch(calls: calls, logger: logger, metrics: metrics)
    }

    private func loadPlugins() throws(NodeStartError) -> LoadedPlugins {
        var loaded = LoadedPlugins()
        do {
            refusedPlugins = try loaded.rescan(config.pluginsDir, snapshots: PluginSnapshots(folder: config.node.dataDir + "/plugins"), logger: logger).refused
        } catch {
            throw NodeStartError("\(error); set \"pluginsDir\" or run `make plugins`")
        }
        return loaded
    }

    func makeInstance(_ name: String, config: NodeConfig) throws(NodeStartError) -> InstanceHandle {
        let instance = config.instances[name]!
        let plugins = self.plugins.byID
        guard let plugin = plugins[instance.plugin] else {
            throw NodeStartError("$.instances.\(name).plugin: plugin '\(instance.plugin)' is not loaded from \(config.pluginsDir) (loaded: \(plugins.keys.sorted().joined(separator: ", "))); `tandem plugins list --dir \(config.pluginsDir)` shows why")
        }
        let client = instance.caFile == nil ? self.client : HTTPClient(caFile: instance.caFile)
        try checkTrust(client, path: "$.instances.\(name).config.caFile")
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
            let created = try PluginInstance(plugin: plugin, name: name, configuration: instance.config, services: services,
                                             isolation: instance.isolation, timeoutMs: Int64(instance.timeoutMs))
            created.monitor = monitor
            return InstanceHandle(instance: created, http: http, config: instance)
        } catch {
            throw NodeStartError("$.instances.\(name).config: \(plugin.id) refused it: \(error.message)")
        }
    }

    /// The running connection; records its scripts' text in `scriptSources`.
    func makeConnection(_ name: String, _ connection: NodeConfig.Connection, config: NodeConfig, instance: InstanceHandle,
                        store: Store) throws(NodeStartError) -> Connection {
        try checkTrust(HTTPClient(caFile: connection.peer.caFile), path: "$.connections.\(name).peer.caFile")
        let outgoing = try readScript(connection.outgoingScript), incoming = try readScript(connection.incomingScript)
        scriptSources[name] = [outgoing.text, incoming.text]
        return Connection(
            config: connection, nodeName: config.node.name, instance: instance.instance,
            outgoingScript: outgoing.script, incomingScript: incoming.script,
            store: store, logger: logger, metrics: metrics,
            samePeer: Self.samePeer(name, connection, config: config), creates: creates)
    }

    /// Loads a configured CA file now, so a bad one stops the start with its path.
    private func checkTrust(_ client: HTTPClient, path: String) throws(NodeStartError) {
        guard client.caFile != nil else { return }
        do { try client.checkTrust() } catch { throw NodeStartError("\(path): \(error)") }
    }

    /// The other connections over the same instance towards the same peer
    /// (see LoopGuard). Only the same instance counts: twins are keyed by the
    /// local id, and two trackers can both have an entity "1".
    static func samePeer(_ name: String, _ connection: NodeConfig.Connection, config: NodeConfig) -> Set<String> {
        Set(config.connections.filter {
            $0.key != name && $0.value.peer.url == connection.peer.url && $0.value.instance == connection.instance
        }.keys)
    }

    func readScript(_ path: String) throws(NodeStartError) -> (script: Script, text: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NodeStartError("cannot read script \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        do {
            return (try Script(source: text, file: path), text)
        } catch {
            throw NodeStartError("script error:\n\(error)")
        }
    }

    /// Connections that take no peer batch until `tandem recover` runs on one side or the other.
    private func recoveryReasons(_ store: Store) -> [String] {
        let names = config.connections.keys.sorted()
        do {
            return try store.read { tx in
                let changed = try tx.changedPeerStores()
                return try names.compactMap { name in
                    if let waiting = try tx.awaitingRecovery(connection: name) {
                        return "connection \(name): this node's store \(waiting); run `tandem recover --connection \(name)` here"
                    }
                    return changed[name].map { "connection \(name): the peer's store changed to \($0); run `tandem recover --connection \(name)` on the peer's node" }
                }
            }
        } catch {
            return []  // the store's failure is reported on its own
        }
    }

    /// Every store failure is counted and logged (the logger collapses a storm into one line per interval).
    private func observeStoreFaults(_ store: Store) {
        let logger = self.logger, metrics = self.metrics, faults = store.faults
        faults.observe { operation, error in
            guard operation != "recovered" else {
                logger.info("the store works again: a write succeeded; the node carries on")
                return
            }
            metrics.increment("tandem_store_errors_total", ["operation": operation])
            if faults.isFull {
                logger.error("the disk holding the store is full (\(error.message)): the node takes no new work and keeps what it has; it carries on by itself when space returns",
                             ["store": .string(store.path)])
            } else {
                logger.error("store \(operation) failed: \(error)", ["store": .string(store.path)])
            }
        }
    }

    /// An operator's pause holds across restarts; a disabled connection stays paused.
    private func restorePauses(store: Store) throws(NodeStartError) {
        for connection in connections.values where connection.config.enabled {
            do {
                if let paused = try store.read({ try $0.storedPause(connection: connection.name) }) { connection.context.setPaused(paused) }
            } catch {
                throw NodeStartError("cannot read the connections' pause state from the store: \(error)")
            }
        }
    }

    private func registerGauges(store: Store) {
        metrics.addGaugeSource { [weak self] in
            let names = self?.config.connections.keys.sorted() ?? []
            var gauges: [(name: String, labels: [String: String], value: Double)] = []
            for name in names {
                // A failed read leaves the gauges out of this scrape; the
                // failure itself shows in tandem_store_errors_total and /readyz.
                let depths: (Int, Int, Int, Int)
                do {
                    depths = try store.read { tx in
                        (try tx.pendingCount(connection: name), try tx.outboxDepth(connection: name),
                         try tx.inboxDepth(connection: name), try tx.openParked(connection: name).count)
                    }
                } catch {
                    continue
                }
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "pending"], Double(depths.0)))
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "outbox"], Double(depths.1)))
                gauges.append(("tandem_queue_depth", ["connection": name, "queue": "inbox"], Double(depths.2)))
                gauges.append(("tandem_parked_errors", ["connection": name], Double(depths.3)))
            }
            return gauges
        }
    }

    /// How each instance's webhooks are authenticated; refuses a secret its
    /// plugin declares no signature for.
    func webhookTrust(_ config: NodeConfig, connections: [String: Connection]) throws(NodeStartError) -> [String: WebhookTrust] {
        var trust: [String: WebhookTrust] = [:]
        for (name, byInstance) in Self.webhookConnections(connections) {
            trust[name] = try WebhookTrust.of(instance: name, config.instances[name]!, plugin: byInstance[0].instance.plugin)
            if trust[name]?.secret == nil {
                logger.warn("webhooks of instance '\(name)' are not authenticated: set $.instances.\(name).webhookSecret; until then each webhook is only a notice and the entity is read from the tracker")
            }
        }
        return trust
    }

    /// The connections that take webhooks, by instance.
    private static func webhookConnections(_ connections: [String: Connection]) -> [String: [Connection]] {
        var byInstance: [String: [Connection]] = [:]
        for connection in connections.values.sorted(by: { $0.name < $1.name }) where connection.config.trigger.webhook {
            byInstance[connection.config.instance, default: []].append(connection)
        }
        return byInstance
    }

    /// Builds the request handlers over `connections` and publishes them to the
    /// server (at start, and after each reload).
    func publishRoutes(store: Store, config: NodeConfig, trust: [String: WebhookTrust]) {
        let receiver = PeerReceiver(connections: connections, store: store, logger: logger)
        let byInstance = Self.webhookConnections(connections)
        let hooks = WebhookIntake(connectionsByInstance: byInstance.mapValues { $0.map(\.context) },
                                  instances: byInstance.mapValues { $0[0].instance }, store: store, trust: trust)
        let admin = AdminAPI(connections: connections, store: store, adminToken: config.node.adminToken, config: config,
                             loadedPlugins: Array(plugins.byID.values), refusedPlugins: refusedPlugins)
        admin.router.add("POST", "/admin/v1/reload") { [weak self] _ in
            guard let self else { return .error(503, "stopping") }
            return self.reloadResponse()
        }
        var check = HealthCheck(trackers: config.instances.mapValues { $0.config["baseUrl"]?.stringValue ?? "http://invalid" },
                                caFiles: config.instances.compactMapValues(\.caFile))
        check.storeProblem = { [faults = store.faults] in faults.problem }
        let health = check
        state.withLock { routes = NodeRoutes(receiver: receiver, hooks: hooks, admin: admin, health: health) }
    }

    private func startServer(store: Store) throws(NodeStartError) -> Int {
        publishRoutes(store: store, config: config, trust: try webhookTrust(config, connections: connections))
        let router = Router()
        Console.register(on: router)
        router.add("POST", "/hooks/{instance}") { [weak self] in
            guard let hooks = self?.state.withLock({ self?.routes?.hooks }) else { return .error(503, "stopping") }
            return hooks.handle($0)
        }
        router.add("GET", "/healthz") { [weak self] _ in
            guard let health = self?.state.withLock({ self?.routes?.health }) else { return .error(503, "stopping") }
            return health.handle()
        }
        router.add("GET", "/readyz") { [weak self] _ in
            guard let self, readiness.withLock({ ready }) else { return .error(503, "starting or stopping") }
            let reasons = (stallWatch?.reasons ?? []) + [store.faults.problem].compactMap { $0 } + recoveryReasons(store)
            guard reasons.isEmpty else { return .json(503, ["status": "not ready", "reasons": .array(reasons.map(JSON.string))]) }
            return .json(200, ["status": "ready"])
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
        configuration.tls = config.node.tls
        // Peer requests are authenticated from their head before the body is read.
        configuration.admission = { [weak self] request in
            guard request.path.hasPrefix("/peer/") else { return nil }
            guard let routes = self?.state.withLock({ self?.routes }) else { return .error(503, "stopping") }
            return routes.receiver.admit(request)
        }
        let server = HTTPServer(configuration: configuration) { [weak self] request in
            guard let routes = self?.state.withLock({ self?.routes }) else { return .error(503, "stopping") }
            // Authentication before routing: nothing under /peer/v1/ is routed unsigned.
            if request.path.hasPrefix("/peer/") { return routes.receiver.handle(request) }
            if request.path.hasPrefix("/admin/") { return routes.admin.handle(request) }
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
