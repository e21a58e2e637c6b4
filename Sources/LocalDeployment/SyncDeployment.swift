import Foundation
import TandemJSON

/// Four real processes on loopback: a Jira simulator, a ServiceNow simulator,
/// node `blue` (JiraLike) and node `green` (ServiceNowLike), configured from
/// examples/jira-servicenow/ with the triggers asked for.
///
/// Used by the end-to-end tests, `tandem demo` and `tandem-bench`. Everything
/// it writes (configs, scripts, plugins, stores, logs) goes into `folder`.
public final class SyncDeployment: @unchecked Sendable {
    public struct Options: Sendable {
        public var webhooks = true
        public var pollSeconds: Double? = 60
        /// Worker threads per connection on each node.
        public var workers = 4
        /// Extra `tandem sim` flags (fault injection, `--data`), per simulator.
        public var jiraFlags: [String] = []
        public var serviceNowFlags: [String] = []
        /// Pins each simulator to a port chosen once, so `restartSimulator`
        /// brings it back where the node configurations point.
        public var fixedSimulatorPorts = false
        /// Changes the configuration of each node before it is written ("blue", "green").
        public var editConfig: (@Sendable (String, inout JSON) -> Void)?
        /// Runs all four processes over HTTPS with certificates from this CA:
        /// simulators and nodes serve TLS, peers, webhooks and tracker calls
        /// use https:// and trust the CA (`caFile`, or SSL_CERT_FILE for the
        /// simulators' webhooks).
        public var certificateAuthority: LocalCertificateAuthority?
        /// The simulators sign their webhooks and the nodes check them
        /// (`webhookSecret`), as in production: a signed webhook's record
        /// stands for a tracker read. Without, a webhook is only a notice.
        public var signedWebhooks = false
        /// Each node signs in to its tracker as a dedicated integration user
        /// (`integrationUser`), its own account on the simulator, as in
        /// production: the actor of the node's writes then tells the webhook of
        /// its own write apart, and the people (`jira`, `serviceNow`) keep the
        /// simulators' main account. Without, nodes and people share that one
        /// account, and echo suppression rests on replica hashes alone.
        public var dedicatedIntegrationUsers = false

        public init(webhooks: Bool = true, pollSeconds: Double? = 60) {
            self.webhooks = webhooks
            self.pollSeconds = pollSeconds
        }
    }

    public static let connection = "sup-incidents"
    /// The nodes' own user on each simulator, with `dedicatedIntegrationUsers`.
    public static let integrationUser = "tandem-integration"
    private static let integrationPasswords = (jira: "jira-integration-pw", serviceNow: "snow-integration-pw")
    public let folder: String
    public let tandem: String
    public let secret = "local-shared-secret-0123456789"
    public let adminToken = "local-admin-token-0123456789"
    /// What each simulator signs its webhooks with, when `signedWebhooks`.
    public static let webhookSecrets = ["jira": "local-jira-hook-secret-0123", "servicenow": "local-snow-hook-secret-0123"]
    public let bluePort = freePort()
    public let greenPort = freePort()
    public private(set) var jiraSim: BackgroundProcess!
    public private(set) var serviceNowSim: BackgroundProcess!
    public private(set) var blue: BackgroundProcess!
    public private(set) var green: BackgroundProcess!
    public private(set) var jira: TrackerClient!
    public private(set) var serviceNow: TrackerClient!
    /// Each simulator's `tandem` arguments, to start it again the same way.
    private var simulatorArguments: [String: [String]] = [:]
    private var simulatorEnvironment: [String: String] = [:]
    private var dedicatedIntegrationUsers = false

    /// Prepares `folder` and starts the four processes.
    ///
    /// - Parameters:
    ///   - tandem: the `tandem` executable to run.
    ///   - examples: the folder with the configs and scripts (examples/jira-servicenow).
    ///   - plugins: the connector libraries to install (libJiraLike.so, libServiceNowLike.so).
    public init(_ options: Options = Options(), tandem: String, examples: String, plugins: [String], folder: String) throws {
        self.folder = folder
        self.tandem = tandem
        let files = FileManager.default
        try files.createDirectory(atPath: folder + "/plugins", withIntermediateDirectories: true)
        for plugin in plugins {
            let target = folder + "/plugins/" + URL(fileURLWithPath: plugin).lastPathComponent
            try? files.removeItem(atPath: target)
            try files.copyItem(atPath: plugin, toPath: target)
        }
        for file in try files.contentsOfDirectory(atPath: examples) where file.hasSuffix(".sync") {
            try? files.removeItem(atPath: folder + "/" + file)
            try files.copyItem(atPath: examples + "/" + file, toPath: folder + "/" + file)
        }
        let issued = try options.certificateAuthority?.issue("deployment")
        let caFile = options.certificateAuthority?.caFile
        let scheme = issued == nil ? "http" : "https"
        for name in ["blue", "green"] {
            var config = try JSON(parsing: try String(contentsOfFile: examples + "/" + name + ".json", encoding: .utf8))
            let connection = Self.connection
            config["connections"]?[connection]?["trigger"]?["webhook"] = .bool(options.webhooks)
            config["connections"]?[connection]?["trigger"]?["pollSeconds"] = options.pollSeconds.map(JSON.double) ?? .null
            config["connections"]?[connection]?["workers"] = .int(Int64(options.workers))
            let instance = name == "blue" ? "jira" : "servicenow"
            if options.dedicatedIntegrationUsers {
                // The connector's default: the account it signs in as (on
                // Jira Cloud, the accountId `/myself` answers).
                config["instances"]?[instance]?["config"]?["integrationUser"] = nil
            } else {
                // The simulators authenticate one account, which the "humans" of a
                // test or demo use too, so the nodes' integration user is named
                // apart: echo suppression then rests on replica hashes alone.
                config["instances"]?[instance]?["config"]?["integrationUser"] = "tandem-integration"
            }
            if options.signedWebhooks { config["instances"]?[instance]?["webhookSecret"] = Self.webhookSecrets[instance].map(JSON.string) }
            if let issued, let caFile {
                config["node"]?["tls"] = ["cert": .string(issued.certificateFile), "key": .string(issued.keyFile)]
                let peerURL = config["connections"]?[connection]?["peer"]?["url"]?.stringValue ?? ""
                config["connections"]?[connection]?["peer"]?["url"] = .string(peerURL.replacingOccurrences(of: "http://", with: "https://"))
                config["connections"]?[connection]?["peer"]?["caFile"] = .string(caFile)
                config["instances"]?[instance]?["config"]?["caFile"] = .string(caFile)
            }
            options.editConfig?(name, &config)
            try config.text.write(toFile: folder + "/" + name + ".json", atomically: true, encoding: .utf8)
        }
        let signing = { (instance: String) in options.signedWebhooks ? ["--webhook-secret", Self.webhookSecrets[instance] ?? ""] : [] }
        let jiraHooks = options.webhooks ? ["--webhook", "\(scheme)://127.0.0.1:\(bluePort)/hooks/jira"] + signing("jira") : []
        let serviceNowHooks = options.webhooks
            ? ["--webhook", "\(scheme)://127.0.0.1:\(greenPort)/hooks/servicenow"] + signing("servicenow") : []
        let tlsFlags = issued.map { ["--tls-cert", $0.certificateFile, "--tls-key", $0.keyFile] } ?? []
        if let caFile { simulatorEnvironment["SSL_CERT_FILE"] = caFile }
        let simulatorPort = { options.fixedSimulatorPorts ? String(freePort()) : "0" }
        let account = { (password: String) in
            options.dedicatedIntegrationUsers ? ["--account", Self.integrationUser + ":" + password] : []
        }
        simulatorArguments["jira"] = ["sim", "jira", "--port", simulatorPort(), "--user", "sync", "--password", "jira-pw"]
            + account(Self.integrationPasswords.jira) + jiraHooks + tlsFlags + options.jiraFlags
        simulatorArguments["servicenow"] = ["sim", "servicenow", "--port", simulatorPort(), "--user", "admin", "--password", "snow-pw"]
            + account(Self.integrationPasswords.serviceNow) + serviceNowHooks + tlsFlags + options.serviceNowFlags
        dedicatedIntegrationUsers = options.dedicatedIntegrationUsers
        try startSimulator("jira")
        try startSimulator("servicenow")
        jira = TrackerClient(baseURL: jiraSim.url, user: "sync", password: "jira-pw", caFile: caFile)
        serviceNow = TrackerClient(baseURL: serviceNowSim.url, user: "admin", password: "snow-pw", caFile: caFile)
        try startNode("blue")
        try startNode("green")
    }

    /// The environment the node configurations expand: the nodes sign in
    /// as the people do, or as their own integration user.
    public var environment: [String: String] {
        let jiraLogin = dedicatedIntegrationUsers
            ? (user: Self.integrationUser, password: Self.integrationPasswords.jira) : (user: jira.user, password: jira.password)
        let serviceNowLogin = dedicatedIntegrationUsers
            ? (user: Self.integrationUser, password: Self.integrationPasswords.serviceNow) : (user: serviceNow.user, password: serviceNow.password)
        return [
            "BLUE_PORT": String(bluePort), "GREEN_PORT": String(greenPort), "TANDEM_DATA": folder + "/data",
            "TANDEM_ADMIN_TOKEN": adminToken, "TANDEM_PLUGINS": folder + "/plugins", "TANDEM_SECRET": secret,
            "JIRA_URL": jiraSim.url, "JIRA_USER": jiraLogin.user, "JIRA_PASSWORD": jiraLogin.password,
            "SERVICENOW_URL": serviceNowSim.url, "SERVICENOW_USER": serviceNowLogin.user, "SERVICENOW_PASSWORD": serviceNowLogin.password,
        ]
    }

    /// Starts (or restarts) node `blue` or `green`.
    public func startNode(_ name: String) throws {
        let process = try BackgroundProcess(name, tandem, ["run", "--config", folder + "/" + name + ".json"],
                                            environment: environment, logFolder: folder)
        if name == "blue" { blue = process } else { green = process }
    }

    /// Starts (or restarts) simulator `jira` or `servicenow` with its first
    /// arguments. A restart keeps the old URL only with `fixedSimulatorPorts`
    /// (and keeps the old data only with `--data` in its flags).
    public func startSimulator(_ name: String) throws {
        guard let arguments = simulatorArguments[name] else {
            throw BackgroundProcess.StartError(description: "no simulator '\(name)': use 'jira' or 'servicenow'")
        }
        let process = try BackgroundProcess(name + "-sim", tandem, arguments, environment: simulatorEnvironment, logFolder: folder)
        if name == "jira" { jiraSim = process } else { serviceNowSim = process }
    }

    /// Runs a `tandem` operator command against one node's configuration.
    public func run(_ arguments: [String], node: String) throws -> ProcessResult {
        try ChildProcess.run(tandem, arguments + ["--config", folder + "/" + node + ".json"], environment: environment)
    }

    /// SIGTERM to all four processes.
    public func stop() {
        for process in [blue, green, jiraSim, serviceNowSim] { process?.stop() }
    }

    /// The tail of both nodes' logs, for failure messages.
    public var logs: String {
        "--- blue ---\n\(blue?.stderr.suffix(3000) ?? "")\n--- green ---\n\(green?.stderr.suffix(3000) ?? "")"
    }
}
