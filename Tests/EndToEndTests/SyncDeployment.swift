import Foundation
import TandemJSON
import TestSupport

/// Four real processes on loopback: a Jira simulator, a ServiceNow simulator,
/// node `blue` (JiraLike) and node `green` (ServiceNowLike), configured from
/// examples/jira-servicenow/ with the triggers a test asks for.
final class SyncDeployment {
    struct Triggers {
        var webhooks = true
        var pollSeconds: Double? = 60
    }

    let folder = TemporaryDirectory("e2e")
    let secret = "e2e-shared-secret-0123456789"
    let adminToken = "e2e-admin-token-0123456789"
    let bluePort = freePort()
    let greenPort = freePort()
    private(set) var jiraSim: BackgroundProcess!
    private(set) var serviceNowSim: BackgroundProcess!
    private(set) var blue: BackgroundProcess!
    private(set) var green: BackgroundProcess!
    var jira: TrackerClient!
    var serviceNow: TrackerClient!

    init(_ triggers: Triggers = Triggers()) throws {
        try FileManager.default.createDirectory(atPath: folder.file("plugins"), withIntermediateDirectories: true)
        for plugin in ["libJiraLike.so", "libServiceNowLike.so"] {
            try FileManager.default.copyItem(atPath: TestPaths.products + "/" + plugin, toPath: folder.file("plugins/" + plugin))
        }
        let examples = TestPaths.packageRoot + "/examples/jira-servicenow/"
        for file in try FileManager.default.contentsOfDirectory(atPath: examples) where file.hasSuffix(".sync") {
            try FileManager.default.copyItem(atPath: examples + file, toPath: folder.file(file))
        }
        for name in ["blue", "green"] {
            var config = try JSON(parsing: try String(contentsOfFile: examples + name + ".json", encoding: .utf8))
            let connection = "sup-incidents"
            // The simulators authenticate one account, used by the tests' "humans"
            // too, so the nodes' integration user is named apart: echo suppression
            // then rests on replica hashes alone, the layer that also covers polling.
            let instance = name == "blue" ? "jira" : "servicenow"
            config["instances"]?[instance]?["config"]?["integrationUser"] = "tandem-integration"
            config["connections"]?[connection]?["trigger"]?["webhook"] = .bool(triggers.webhooks)
            config["connections"]?[connection]?["trigger"]?["pollSeconds"] = triggers.pollSeconds.map(JSON.double) ?? .null
            try config.text.write(toFile: folder.file(name + ".json"), atomically: true, encoding: .utf8)
        }
        let jiraHooks = triggers.webhooks ? ["--webhook", "http://127.0.0.1:\(bluePort)/hooks/jira"] : []
        let serviceNowHooks = triggers.webhooks ? ["--webhook", "http://127.0.0.1:\(greenPort)/hooks/servicenow"] : []
        jiraSim = try BackgroundProcess("jira-sim", TestPaths.tandem, ["sim", "jira", "--port", "0", "--user", "sync",
                                                                        "--password", "jira-pw"] + jiraHooks,
                                        logFolder: folder.path)
        serviceNowSim = try BackgroundProcess("servicenow-sim", TestPaths.tandem, ["sim", "servicenow", "--port", "0", "--user", "admin",
                                                                                    "--password", "snow-pw"] + serviceNowHooks,
                                              logFolder: folder.path)
        jira = TrackerClient(baseURL: jiraSim.url, user: "sync", password: "jira-pw")
        serviceNow = TrackerClient(baseURL: serviceNowSim.url, user: "admin", password: "snow-pw")
        try startNode("blue")
        try startNode("green")
    }

    var environment: [String: String] {
        [
            "BLUE_PORT": String(bluePort), "GREEN_PORT": String(greenPort), "TANDEM_DATA": folder.file("data"),
            "TANDEM_ADMIN_TOKEN": adminToken, "TANDEM_PLUGINS": folder.file("plugins"), "TANDEM_SECRET": secret,
            "JIRA_URL": jiraSim.url, "JIRA_USER": "sync", "JIRA_PASSWORD": "jira-pw",
            "SERVICENOW_URL": serviceNowSim.url, "SERVICENOW_USER": "admin", "SERVICENOW_PASSWORD": "snow-pw",
        ]
    }

    func startNode(_ name: String) throws {
        let process = try BackgroundProcess(name, TestPaths.tandem, ["run", "--config", folder.file(name + ".json")],
                                            environment: environment, logFolder: folder.path)
        if name == "blue" { blue = process } else { green = process }
    }

    /// Runs a `tandem` operator command against one node's configuration.
    func tandem(_ arguments: [String], node: String) throws -> ProcessResult {
        try ChildProcess.tandem(arguments + ["--config", folder.file(node + ".json")], environment: environment)
    }

    func stop() {
        for process in [blue, green, jiraSim, serviceNowSim] { process?.stop() }
    }

    /// Both nodes' logs, for failure messages.
    var logs: String { "--- blue ---\n\(blue?.stderr.suffix(3000) ?? "")\n--- green ---\n\(green?.stderr.suffix(3000) ?? "")" }
}
