import Foundation
import SyncScript
import TandemHTTP
import TandemJSON
import TandemTime

/// Everything an operator can get wrong in a node's configuration, found in
/// one pass (`tandem config check`, and `tandem run` before it starts):
/// every missing environment variable, unknown key and bad value; every
/// script that does not parse or reads a name nothing defines
/// (`file:line:column`); every plugin that is missing, refused or refuses its
/// config; and, when asked, each tracker's answer to the connection's query
/// with its credentials, and each peer's answer to a signed hello.
public struct ConfigCheck: Sendable {
    public struct Problem: Sendable, CustomStringConvertible {
        public enum Kind: Sendable {
            /// In the file, its scripts or the plugins it names.
            case config
            /// Something the configuration names answers wrongly or not at all.
            case outside
        }
        public let kind: Kind
        public let message: String
        public var description: String { message }
    }

    public struct Report: Sendable {
        /// What parsed (partial when there are config problems).
        public var config: NodeConfig?
        public var problems: [Problem] = []
        /// Checks that passed, one line each.
        public var passed: [String] = []

        public var configProblems: [Problem] { problems.filter { $0.kind == .config } }
    }

    public let path: String
    public let environment: [String: String]

    public init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.path = path
        self.environment = environment
    }

    /// Runs the offline checks, then the tracker checks (`trackers`) and the
    /// peer checks (`peers`) for what parsed.
    public func run(trackers: Bool, peers: Bool) -> Report {
        var report = Report()
        let raw: JSON
        do { raw = try NodeConfig.readJSON(path: path) } catch {
            report.problems.append(Problem(kind: .config, message: error.description))
            return report
        }
        let collected = ConfigProblems()
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            report.config = try NodeConfig.parse(raw, baseDirectory: base, environment: environment, problems: collected)
        } catch {
            collected.errors.append(error)
        }
        report.problems += collected.errors.map { Problem(kind: .config, message: $0.description) }
        guard let config = report.config else { return report }
        checkScripts(config, &report)
        let instances = checkPlugins(config, &report)
        if trackers { checkTrackers(config, instances, &report) }
        if peers { checkPeers(config, &report) }
        return report
    }

    // MARK: - Scripts

    private func checkScripts(_ config: NodeConfig, _ report: inout Report) {
        var seen: Set<String> = []
        for (_, connection) in config.connections.sorted(by: { $0.key < $1.key }) {
            for (file, bindings) in [(connection.outgoingScript, ScriptBindings.outgoing), (connection.incomingScript, ScriptBindings.incoming)]
            where !file.contains("${") && seen.insert(file).inserted {
                guard let data = FileManager.default.contents(atPath: file) else {
                    report.problems.append(Problem(kind: .config, message: "cannot read script \(file)"))
                    continue
                }
                do {
                    let script = try Script(source: String(decoding: data, as: UTF8.self), file: file)
                    let unknown = script.unknownNames(bindings: bindings)
                    report.problems += unknown.map { Problem(kind: .config, message: $0.description) }
                    if unknown.isEmpty { report.passed.append("script \(file) parses; every name it reads is defined") }
                } catch {
                    report.problems.append(Problem(kind: .config, message: "\(error)"))
                }
            }
        }
    }

    // MARK: - Plugins

    /// The plugin instances `config`'s connections use, made with their
    /// configs, and a problem for each that could not be made.
    public func instances(of config: NodeConfig) -> (instances: [String: PluginInstance], problems: [Problem]) {
        var report = Report()
        let instances = checkPlugins(config, &report)
        return (instances, report.problems)
    }

    private func checkPlugins(_ config: NodeConfig, _ report: inout Report) -> [String: PluginInstance] {
        // A folder named by a missing variable is reported as that variable.
        guard !config.pluginsDir.contains("${") else { return [:] }
        let entries: [PluginScanEntry]
        do { entries = try PluginLoader().scan(directory: config.pluginsDir) } catch {
            report.problems.append(Problem(kind: .config, message: "$.pluginsDir: \(error); run `make plugins` or fix the path"))
            return [:]
        }
        var loaded: [String: LoadedPlugin] = [:]
        var refused: [String] = []
        for entry in entries {
            switch entry.outcome {
            case .success(let plugin): loaded[plugin.id] = plugin
            case .failure(let refusal): refused.append("\(entry.file): \(refusal)")
            }
        }
        var instances: [String: PluginInstance] = [:]
        let client = HTTPClient()
        for name in Set(config.connections.values.map(\.instance)).sorted() {
            guard let instance = config.instances[name] else { continue }
            guard let plugin = loaded[instance.plugin] else {
                let why = refused.isEmpty ? "" : "; refused there: " + refused.joined(separator: "; ")
                report.problems.append(Problem(kind: .config, message: "$.instances.\(name).plugin: plugin '\(instance.plugin)' is not loaded from \(config.pluginsDir) (loaded: \(loaded.keys.sorted().joined(separator: ", ")))\(why)"))
                continue
            }
            let http = TrackerHTTPService(baseUrl: instance.config["baseUrl"]?.stringValue ?? "http://invalid", client: client,
                                          defaultTimeoutMs: min(instance.timeoutMs, 10_000))
            let services = HostServices(log: { _, _, _ in }, http: { http.perform($0) },
                                        secret: { [environment] in environment["TANDEM_SECRET_" + $0] }, nowMs: { Timestamp.now() })
            do {
                instances[name] = try PluginInstance(plugin: plugin, name: name, configuration: instance.config, services: services)
                report.passed.append("instance \(name): plugin \(plugin.id) \(plugin.version) accepts its config")
            } catch {
                report.problems.append(Problem(kind: .config, message: "$.instances.\(name).config: \(plugin.id) refused it: \(error.message)"))
            }
        }
        return instances
    }

    // MARK: - Outside

    /// Each connection's query, run once with its instance's credentials.
    private func checkTrackers(_ config: NodeConfig, _ instances: [String: PluginInstance], _ report: inout Report) {
        for (name, connection) in config.connections.sorted(by: { $0.key < $1.key }) {
            guard let instance = instances[connection.instance] else { continue }
            let baseUrl = config.instances[connection.instance]?.config["baseUrl"]?.stringValue ?? "?"
            do {
                _ = try instance.call("search", ["query": .string(connection.trigger.query), "cursor": .null, "limit": 1])
                report.passed.append("connection \(name): tracker \(baseUrl) reachable, credentials accepted, query '\(connection.trigger.query)' accepted")
            } catch {
                let why: String
                switch error.kind {
                case .auth: why = "the tracker refused the credentials of instance '\(connection.instance)': \(error.message); fix them in the env file"
                case .transient, .rateLimited: why = "cannot reach the tracker \(baseUrl): \(error.message)"
                case .invalid: why = "the tracker refused the query '\(connection.trigger.query)': \(error.message)"
                default: why = "the tracker answered the query with \(error)"
                }
                report.problems.append(Problem(kind: .outside, message: "$.connections.\(name).trigger.query: \(why)"))
            }
        }
    }

    private func checkPeers(_ config: NodeConfig, _ report: inout Report) {
        let client = HTTPClient()
        for (name, connection) in config.connections.sorted(by: { $0.key < $1.key }) {
            let verdict = PeerHello.ask(connection: name, peerURL: connection.peer.url, secret: connection.peer.secret, client: client)
            let text = verdict.explanation(connection: name, peerURL: connection.peer.url)
            if verdict.isCompatible {
                report.passed.append("connection \(name): \(text)")
            } else {
                report.problems.append(Problem(kind: .outside, message: "$.connections.\(name).peer: \(text)"))
            }
        }
    }
}
