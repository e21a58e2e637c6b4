import Foundation
import TandemHTTP
import TandemJSON

/// A node's configuration file (docs/operations.md, Configuration), validated.
///
/// Relative paths (`dataDir`, `pluginsDir`, scripts) are resolved against the
/// folder of the configuration file, so a node runs the same from any
/// working directory. Keys are a contract: new keys may be added, none renamed.
public struct NodeConfig: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var name: String
        public var host: String
        public var port: Int
        public var dataDir: String
        public var adminToken: String
        /// `node.tls`: the listener serves HTTPS with this certificate and key.
        public var tls: HTTPServerTLS?
        public var history: History
    }

    /// The entity history (`node.history`): on by default, bounded per
    /// entity by count and age.
    public struct History: Sendable, Equatable {
        public var enabled: Bool = true
        public var maxEventsPerEntity: Int = 200
        public var maxAgeDays: Double = 30

        public init() {}
    }

    public struct Instance: Sendable, Equatable {
        public var plugin: String
        /// Passed to the plugin as is.
        public var config: JSON
        /// Host-side limits on the plugin's HTTP requests.
        public var timeoutMs: UInt32
        public var maxRequestsPerSecond: Double?
        /// `config.caFile`: a private CA trusted for the tracker's HTTPS, beside the system's.
        public var caFile: String?
        /// The secret the tracker signs its webhooks with; nil: webhooks are
        /// notices only (the node re-reads every entity they name).
        public var webhookSecret: String?
        /// Where the plugin runs: in the node, or in a plugin host of its own.
        public var isolation: PluginIsolation = .inProcess
    }

    public struct Peer: Sendable, Equatable {
        public var url: String
        public var secret: String
        /// A private CA trusted for the peer's HTTPS, beside the system's.
        public var caFile: String?
    }

    public struct Trigger: Sendable, Equatable {
        /// In the tracker's own query language (JQL, encoded query).
        public var query: String
        /// Poll interval; nil means no polling.
        public var pollSeconds: Double?
        public var webhook: Bool
        /// How far before the cursor each poll looks again, so that no change is missed.
        public var overlapSeconds: Double
        /// When true, a linked entity that no longer matches `query` is not
        /// sent any more (until it matches again); when false it keeps
        /// syncing until `tandem unsync`. Unlinked entities never leave
        /// without matching, either way.
        public var strict: Bool
        /// Refs asked of one `search` call (the connector pages inside it).
        public var pageSize: Int = 1000
        /// `search` calls one poll makes at most; a poll that has not caught up
        /// goes on at once from where it stopped.
        public var pagesPerPoll: Int = 10
    }

    public struct Connection: Sendable, Equatable {
        public var name: String
        public var instance: String
        public var peer: Peer
        public var trigger: Trigger
        public var outgoingScript: String
        public var incomingScript: String
        public var conflicts: ConflictPolicy
        public var enabled: Bool
        /// Entities processed at once on this connection (each entity stays in order).
        public var workers: Int
        /// Largest attachment moved between nodes, in bytes.
        public var maxAttachmentBytes: Int
        /// Entities this connection may create in its tracker in any minute
        /// before its circuit breaker pauses it; 0: no limit.
        public var maxCreatesPerMinute: Int = Connection.defaultMaxCreatesPerMinute
        public static let defaultMaxCreatesPerMinute = 600
    }

    public var node: Node
    public var pluginsDir: String
    public var instances: [String: Instance]
    public var connections: [String: Connection]
    /// The folder the file was read from; relative paths were resolved against it.
    public var baseDirectory: String

    /// Reads and validates the file at `path`, expanding `${NAME}` from `environment`.
    ///
    /// - Throws: `ConfigError` naming the JSON path of the first bad value, or
    ///   `$` when the file cannot be read or parsed.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> NodeConfig {
        let json = try readJSON(path: path)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(json, baseDirectory: base, environment: environment)
    }

    /// Parses and validates the bytes of a configuration file called `name`
    /// (named in the error when they are not JSON).
    public static func parse(bytes: [UInt8], named name: String, baseDirectory: String,
                             environment: [String: String]) throws(ConfigError) -> NodeConfig {
        try parse(try json(bytes: bytes, named: name), baseDirectory: baseDirectory, environment: environment)
    }

    /// Validates configuration JSON; relative paths resolve against `baseDirectory`.
    /// Errors never echo a configuration value; as a second guard, any value
    /// that came from `${NAME}` or `{"secret": NAME}` is masked should a
    /// message contain it.
    public static func parse(_ raw: JSON, baseDirectory: String, environment: [String: String]) throws(ConfigError) -> NodeConfig {
        do {
            return try parse(raw, baseDirectory: baseDirectory, environment: environment, problems: nil)
        } catch {
            // `{"secret": NAME}` reads TANDEM_SECRET_NAME: those values are masked too.
            let named = environment.filter { $0.key.hasPrefix("TANDEM_SECRET_") }.map(\.value)
            throw error.masking(EnvironmentExpansion.referencedValues(raw, environment: environment) + named)
        }
    }

    /// With `problems`, every independent part is checked and each error
    /// recorded there (a missing variable once, not again as the bad value it
    /// leaves behind); what parsed is returned, with a placeholder for a node
    /// section that did not.
    static func parse(_ raw: JSON, baseDirectory: String, environment: [String: String],
                      problems: ConfigProblems?) throws(ConfigError) -> NodeConfig {
        var unset: Set<String> = []
        let json = try EnvironmentExpansion.expand(raw, environment: environment, unset: problems == nil ? nil : { path, name in
            problems?.errors.append(ConfigError(path, "environment variable \(name) is not set"))
            unset.insert(path)
        })
        let reported = problems?.errors.count ?? 0
        let root = ConfigReader(json, problems: problems)
        try root.rejectUnknownKeys(["node", "pluginsDir", "instances", "connections"])
        func resolve(_ file: String) -> String { file.hasPrefix("/") ? file : baseDirectory + "/" + file }
        defer {
            // Drop errors about values a missing variable left unexpanded: the variable is the problem.
            if let problems {
                let fresh = problems.errors[reported...].filter { error in !unset.contains { error.path.hasPrefix($0) } }
                problems.errors = Array(problems.errors[..<reported]) + fresh
            }
        }

        let node = try root.section { () throws(ConfigError) in try parseNode(try root.required("node"), resolve: resolve) }
            ?? Node(name: "?", host: "127.0.0.1", port: 0, dataDir: resolve("data"), adminToken: "", tls: nil, history: History())

        var instances: [String: Instance] = [:]
        let instancesReader = try root.required("instances")
        let declared = Set(try instancesReader.object().keys)
        for name in declared.sorted() {
            instances[name] = try root.section { () throws(ConfigError) in try parseInstance(try instancesReader.required(name), environment: environment, resolve: resolve) }
        }

        var connections: [String: Connection] = [:]
        let connectionsReader = try root.required("connections")
        for (name, _) in try connectionsReader.object().sorted(by: { $0.key < $1.key }) {
            connections[name] = try root.section { () throws(ConfigError) in
                try parseConnection(name, try connectionsReader.required(name), instances: declared, resolve: resolve)
            }
        }
        guard !(try connectionsReader.object().isEmpty) else { throw ConfigError(connectionsReader.path, "must name at least one connection") }
        let pluginsDir = try root.section { () throws(ConfigError) in try root.member("pluginsDir")?.nonEmptyString() } ?? nil
        return NodeConfig(node: node, pluginsDir: resolve(pluginsDir ?? "plugins.d"),
                          instances: instances, connections: connections, baseDirectory: baseDirectory)
    }

    private static func parseInstance(_ reader: ConfigReader, environment: [String: String],
                                      resolve: (String) -> String) throws(ConfigError) -> Instance {
        try reader.rejectUnknownKeys(["plugin", "config", "timeoutMs", "maxRequestsPerSecond", "webhookSecret", "isolation"])
        let config = try reader.required("config")
        _ = try config.object()
        let caFile = try config.member("caFile")?.nonEmptyString()
        return Instance(
            plugin: try reader.required("plugin").nonEmptyString(), config: config.json,
            timeoutMs: UInt32(try reader.member("timeoutMs")?.int(in: 100...600_000) ?? 30_000),
            maxRequestsPerSecond: try reader.member("maxRequestsPerSecond")?.double(in: 0.1...100_000),
            caFile: caFile.map(resolve),
            webhookSecret: try reader.member("webhookSecret")?.secret(environment: environment, minimumLength: 16),
            isolation: try parseIsolation(reader.member("isolation")))
    }

    private static func parseConnection(_ name: String, _ reader: ConfigReader, instances: Set<String>,
                                        resolve: (String) -> String) throws(ConfigError) -> Connection {
        try reader.rejectUnknownKeys(["instance", "peer", "trigger", "outgoing", "incoming", "conflicts", "enabled",
                                      "workers", "maxAttachmentBytes", "maxCreatesPerMinute"])
        let instanceReader = try reader.required("instance")
        let instance = try instanceReader.nonEmptyString()
        guard instances.contains(instance) else {
            throw ConfigError(instanceReader.path, "names instance '\(instance)', which $.instances does not define")
        }
        let peerReader = try reader.required("peer")
        try peerReader.rejectUnknownKeys(["url", "secret", "caFile"])
        let urlReader = try peerReader.required("url")
        let url = try urlReader.nonEmptyString()
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ConfigError(urlReader.path, "must be an http:// or https:// URL (the value is not shown: it may be a secret)")
        }
        let secretReader = try peerReader.required("secret")
        let secret = try secretReader.nonEmptyString()
        guard secret.count >= 16 else { throw ConfigError(secretReader.path, "must be at least 16 characters") }

        let triggerReader = try reader.required("trigger")
        try triggerReader.rejectUnknownKeys(["query", "pollSeconds", "webhook", "overlapSeconds", "strict", "pageSize", "pagesPerPoll"])
        var trigger = Trigger(
            query: try triggerReader.required("query").string(),
            pollSeconds: try triggerReader.member("pollSeconds")?.double(in: 0.1...86_400),
            webhook: try triggerReader.member("webhook")?.bool() ?? false,
            overlapSeconds: try triggerReader.member("overlapSeconds")?.double(in: 0...3_600) ?? 60,
            strict: try triggerReader.member("strict")?.bool() ?? false)
        if let pageSize = try triggerReader.member("pageSize") { trigger.pageSize = try pageSize.int(in: 1...10_000) }
        if let pages = try triggerReader.member("pagesPerPoll") { trigger.pagesPerPoll = try pages.int(in: 1...1_000) }

        let conflicts: ConflictPolicy
        if let conflictsReader = try reader.member("conflicts") {
            conflicts = try ConflictPolicy.parse(conflictsReader)
        } else {
            conflicts = ConflictPolicy(default: .remoteWins, fields: [:])
        }
        return Connection(
            name: name, instance: instance,
            peer: Peer(url: url.hasSuffix("/") ? String(url.dropLast()) : url, secret: secret,
                       caFile: (try peerReader.member("caFile")?.nonEmptyString()).map(resolve)),
            trigger: trigger,
            outgoingScript: resolve(try reader.required("outgoing").nonEmptyString()),
            incomingScript: resolve(try reader.required("incoming").nonEmptyString()),
            conflicts: conflicts, enabled: try reader.member("enabled")?.bool() ?? true,
            workers: try reader.member("workers")?.int(in: 1...64) ?? 4,
            maxAttachmentBytes: try reader.member("maxAttachmentBytes")?.int(in: 0...(1 << 34)) ?? 50 * 1024 * 1024,
            maxCreatesPerMinute: try reader.member("maxCreatesPerMinute")?.int(in: 0...1_000_000)
                ?? Connection.defaultMaxCreatesPerMinute)
    }

    /// `node.tls`: `{"cert": FILE, "key": FILE}`, both required when present.
    private static func parseTLS(_ nodeReader: ConfigReader, resolve: (String) -> String) throws(ConfigError) -> HTTPServerTLS? {
        guard let reader = try nodeReader.member("tls") else { return nil }
        try reader.rejectUnknownKeys(["cert", "key"])
        return HTTPServerTLS(certificateFile: resolve(try reader.required("cert").nonEmptyString()),
                             privateKeyFile: resolve(try reader.required("key").nonEmptyString()))
    }

    private static func parseNode(_ nodeReader: ConfigReader, resolve: (String) -> String) throws(ConfigError) -> Node {
        try nodeReader.rejectUnknownKeys(["name", "listen", "dataDir", "adminToken", "tls", "history"])
        let listenReader = try nodeReader.required("listen")
        let (host, port) = try parseListen(try listenReader.nonEmptyString(), path: listenReader.path)
        let adminReader = try nodeReader.required("adminToken")
        let adminToken = try adminReader.nonEmptyString()
        guard adminToken.count >= 16 else { throw ConfigError(adminReader.path, "must be at least 16 characters") }
        return Node(name: try nodeReader.required("name").nonEmptyString(), host: host, port: port,
                    dataDir: resolve(try nodeReader.required("dataDir").nonEmptyString()), adminToken: adminToken,
                    tls: try parseTLS(nodeReader, resolve: resolve), history: try parseHistory(try nodeReader.member("history")))
    }

    /// Reads only the `node` section, expanding only its `${NAME}`s: what the
    /// operator commands need (address and admin token), so they run without
    /// the trackers' credentials in the environment.
    public static func loadNode(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> Node {
        let json = try readJSON(path: path)
        guard let raw = json["node"] else { throw ConfigError("$.node", "is required") }
        let expanded = try EnvironmentExpansion.expand(raw, path: "$.node", environment: environment)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parseNode(ConfigReader(expanded, path: "$.node")) { file in file.hasPrefix("/") ? file : base + "/" + file }
    }

    static func readJSON(path: String) throws(ConfigError) -> JSON {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("$", "cannot read configuration file '\(path)'")
        }
        return try json(bytes: [UInt8](data), named: path)
    }

    private static func json(bytes: [UInt8], named name: String) throws(ConfigError) -> JSON {
        do { return try JSON(parsing: bytes) } catch {
            throw ConfigError("$", "'\(name)' is not valid JSON: \(error)")
        }
    }

    private static func parseHistory(_ reader: ConfigReader?) throws(ConfigError) -> History {
        var history = History()
        guard let reader else { return history }
        try reader.rejectUnknownKeys(["enabled", "maxEventsPerEntity", "maxAgeDays"])
        history.enabled = try reader.member("enabled")?.bool() ?? history.enabled
        history.maxEventsPerEntity = try reader.member("maxEventsPerEntity")?.int(in: 1...1_000_000) ?? history.maxEventsPerEntity
        history.maxAgeDays = try reader.member("maxAgeDays")?.double(in: 0.001...36_500) ?? history.maxAgeDays
        return history
    }

    private static func parseIsolation(_ reader: ConfigReader?) throws(ConfigError) -> PluginIsolation {
        guard let reader else { return .inProcess }
        let text = try reader.nonEmptyString()
        guard let isolation = PluginIsolation(rawValue: text) else {
            throw ConfigError(reader.path, "must be \"in-process\" or \"process\"")
        }
        return isolation
    }

    static func parseListen(_ text: String, path: String) throws(ConfigError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port), colon != text.startIndex else {
            throw ConfigError(path, "expected HOST:PORT, e.g. 127.0.0.1:7101 (the value is not shown: it may be a secret)")
        }
        return (String(text[..<colon]), port)
    }
}
