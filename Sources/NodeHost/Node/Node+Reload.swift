import Foundation
import TandemHTTP
import TandemJSON

/// Applying a changed configuration and plugins folder to a running node.
///
/// All or nothing: everything new (plugins, instances, scripts) is built and
/// checked before anything running is touched; any failure refuses the whole
/// reload with its reason and the node keeps what it had. Then connections
/// that did not change keep running untouched (their workers, queues and
/// in-flight work); removed ones stop, their queues staying in the store for
/// when they come back; changed ones restart on their new settings; added ones
/// start. Node settings (listen address, data folder, token) need a restart.
extension Node {
    /// Reads the configuration again from `configurationSource` and applies it.
    public func reload() throws(NodeReloadError) -> ReloadReport {
        guard let source = configurationSource else {
            throw NodeReloadError("this node was not started from a configuration file, so there is nothing to reload")
        }
        let next: NodeConfig
        do { next = try source() } catch {
            throw NodeReloadError("the new configuration is invalid: \(error); nothing was changed")
        }
        return try reload(to: next)
    }

    /// Applies `next`; see the extension's comment.
    public func reload(to next: NodeConfig) throws(NodeReloadError) -> ReloadReport {
        changes.lock()
        defer { changes.unlock() }
        guard let store else { throw NodeReloadError("the node is not running") }
        let old = config
        guard next.node == old.node else {
            throw NodeReloadError("the \"node\" settings changed (listen address, data folder, name or token): restart needed; nothing was changed")
        }
        var report = ReloadReport()

        // Plugins: new files load now; changed files of loaded plugins need a restart.
        var plugins = self.plugins
        do {
            let rescan = try plugins.rescan(next.pluginsDir, snapshots: PluginSnapshots(folder: next.node.dataDir + "/plugins"), logger: logger)
            report.pluginsLoaded = rescan.added
            report.restartNeeded = rescan.restartNeeded
        } catch {
            throw NodeReloadError("\(error); nothing was changed")
        }
        let previousPlugins = self.plugins
        self.plugins = plugins

        // Instances and connections, built aside.
        var nextInstances: [String: InstanceHandle] = [:]
        var nextConnections: [String: Connection] = [:]
        var trust: [String: WebhookTrust] = [:]
        let previousScripts = scriptSources
        do {
            for name in Set(next.connections.values.map(\.instance)).sorted() {
                if let running = instances[name], running.config == next.instances[name] {
                    nextInstances[name] = running
                } else {
                    nextInstances[name] = try makeInstance(name, config: next)
                }
            }
            for (name, connection) in next.connections.sorted(by: { $0.key < $1.key }) {
                let instance = nextInstances[connection.instance]!
                if let running = connections[name], old.connections[name] == connection,
                   instances[connection.instance]?.instance === instance.instance,
                   Self.samePeer(name, connection, config: old) == Self.samePeer(name, connection, config: next),
                   try scriptsUnchanged(connection, previous: previousScripts[name]) {
                    nextConnections[name] = running
                    report.unchanged.append(name)
                } else {
                    nextConnections[name] = try makeConnection(name, connection, config: next, instance: instance, store: store)
                    if connections[name] == nil { report.added.append(name) } else { report.changed.append(name) }
                }
            }
            trust = try webhookTrust(next, connections: nextConnections)
        } catch {
            self.plugins = previousPlugins
            scriptSources = previousScripts
            throw NodeReloadError("\(error); nothing was changed")
        }
        report.removed = connections.keys.filter { next.connections[$0] == nil }.sorted()

        // Commit: nothing below fails.
        for name in report.removed + report.changed { workers.removeValue(forKey: name)?.stop() }
        for name in report.removed { scriptSources[name] = nil }
        connections = nextConnections
        instances = nextInstances
        setConfig(next)
        logger.redact(secrets(next))
        publishRoutes(store: store, config: next, trust: trust)
        metrics.declareStandardSeries(connections: report.added + report.changed)
        for name in report.added + report.changed { workers[name] = ConnectionWorkers.start(connections[name]!) }
        logger.info("configuration reloaded", ["report": report.json])
        for line in report.restartNeeded { logger.warn(line) }
        return report
    }

    private func scriptsUnchanged(_ connection: NodeConfig.Connection, previous: [String]?) throws(NodeStartError) -> Bool {
        guard let previous else { return false }
        return [try readScript(connection.outgoingScript).text, try readScript(connection.incomingScript).text] == previous
    }

    /// The admin API's answer to POST /admin/v1/reload.
    func reloadResponse() -> HTTPResponse {
        do throws(NodeReloadError) {
            return .json(200, try reload().json)
        } catch {
            logger.warn("reload refused: \(error)")
            return .error(409, error.description)
        }
    }
}
