import Foundation
import TandemHTTP
import TandemJSON

/// A node's configuration file, validated.
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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("$", "cannot read configuration file '\(path)'")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(bytes: [UInt8](data), named: path, baseDirectory: base, environment: environment)
    }

    /// Parses and validates the bytes of a configuration file called `name`
    /// (named in the error when they are not JSON).
    public static func parse(bytes: [UInt8], named name: String, baseDirectory: String,
                             environment: [String: String]) throws(ConfigError) -> NodeConfig {
        let json: JSON
        do { json = try JSON(parsing: bytes) } catch {
            throw ConfigError("$", "'\(name)' is not valid JSON: \(error)")
        }
        return try parse(json, baseDirectory: baseDirectory, environment: environment)
    }

    /// Validates configuration JSON; relative paths resolve against `baseDirectory`.
    /// Errors never echo a configuration value; as a second guard, any value
    /// that came from `${NAME}` or `{"secret": NAME}` is masked should a
    /// message contain it.
    public static func parse(_ raw: JSON, baseDirectory: String, environment: [String: String]) throws(ConfigError) -> NodeConfig {
        do {
            return try parseExpanded(try EnvironmentExpansion.expand(raw, environment: environment), baseDirectory: baseDirectory,
                                     environment: environment)
        } catch {
            // `{"secret": NAME}` reads TANDEM_SECRET_NAME: those values are masked too.
            let named = environment.filter { $0.key.hasPrefix("TANDEM_SECRET_") }.map(\.value)
            throw error.masking(EnvironmentExpansion.referencedValues(raw, environment: environment) + named)
        }
    }

    private static func parseExpanded(_ json: JSON, baseDirectory: String,
                                      environment: [String: String]) throws(ConfigError) -> NodeConfig {
        let root = ConfigReader(json)
        try root.rejectUnknownKeys(["node", "pluginsDir", "instances", "connections"])
        func resolve(_ file: String) -> String { file.hasPrefix("/") ? file : baseDirectory + "/" + file }

        let nodeReader = try root.required("node")
        try nodeReader.rejectUnknownKeys(["name", "listen", "dataDir", "adminToken", "tls"])
        let listenReader = try nodeReader.required("listen")
        let (host, port) = try parseListen(try listenReader.nonEmptyString(), path: listenReader.path)
        let adminReader = try nodeReader.required("adminToken")
        let adminToken = try adminReader.nonEmptyString()
        guard adminToken.count >= 16 else { throw ConfigError(adminReader.path, "must be at least 16 characters") }
        let node = Node(name: try nodeReader.required("name").nonEmptyString(), host: host, port: port,
                        dataDir: resolve(try nodeReader.required("dataDir").nonEmptyString()), adminToken: adminToken,
                        tls: try parseTLS(nodeReader, resolve: resolve))

        var instances: [String: Instance] = [:]
        let instancesReader = try root.required("instances")
        for (name, _) in try instancesReader.object() {
            let reader = try instancesReader.required(name)
            try reader.rejectUnknownKeys(["plugin", "config", "timeoutMs", "maxRequestsPerSecond", "webhookSecret", "isolation"])
            let config = try reader.required("config")
            _ = try config.object()
            let caFile = try config.member("caFile")?.nonEmptyString()
            instances[name] = Instance(
                plugin: try reader.required("plugin").nonEmptyString(), config: config.json,
                timeoutMs: UInt32(try reader.member("timeoutMs")?.int(in: 100...600_000) ?? 30_000),
                maxRequestsPerSecond: try reader.member("maxRequestsPerSecond")?.double(in: 0.1...100_000),
                caFile: caFile.map(resolve),
                webhookSecret: try reader.member("webhookSecret")?.secret(environment: environment, minimumLength: 16),
                isolation: try parseIsolation(reader.member("isolation")))
        }

        var connections: [String: Connection] = [:]
        let connectionsReader = try root.required("connections")
        for (name, _) in try connectionsReader.object() {
            let reader = try connectionsReader.required(name)
            connections[name] = try parseConnection(name, reader, instances: instances, resolve: resolve)
        }
        guard !connections.isEmpty else { throw ConfigError(connectionsReader.path, "must name at least one connection") }
        return NodeConfig(node: node, pluginsDir: resolve(try root.member("pluginsDir")?.nonEmptyString() ?? "plugins.d"),
                          instances: instances, connections: connections, baseDirectory: baseDirectory)
    }

    private static func parseConnection(_ name: String, _ reader: ConfigReader, instances: [String: Instance],
                                        resolve: (String) -> String) throws(ConfigError) -> Connection {
        try reader.rejectUnknownKeys(["instance", "peer", "trigger", "outgoing", "incoming", "conflicts", "enabled",
                                      "workers", "maxAttachmentBytes", "maxCreatesPerMinute"])
        let instanceReader = try reader.required("instance")
        let instance = try instanceReader.nonEmptyString()
        guard instances[instance] != nil else {
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
        try triggerReader.rejectUnknownKeys(["query", "pollSeconds", "webhook", "overlapSeconds", "strict"])
        let trigger = Trigger(
            query: try triggerReader.required("query").string(),
            pollSeconds: try triggerReader.member("pollSeconds")?.double(in: 0.1...86_400),
            webhook: try triggerReader.member("webhook")?.bool() ?? false,
            overlapSeconds: try triggerReader.member("overlapSeconds")?.double(in: 0...3_600) ?? 60,
            strict: try triggerReader.member("strict")?.bool() ?? false)

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
