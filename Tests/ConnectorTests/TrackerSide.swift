import Foundation
import NodeHost
import Synchronization
import TandemHTTP
import TandemJSON
import TestSupport
import TrackerSim
import XCTest

/// One connector instance against a live in-process simulator on a loopback
/// port, wired the way a node wires it: the real plugin from the build
/// products, the real `TrackerHTTPService`, host logs recorded.
final class TrackerSide: @unchecked Sendable {
    /// Jira Data Center (`jira`), Jira Cloud (`jiraCloud`, signing in with an
    /// e-mail and an API token, as Cloud does), or ServiceNow.
    enum Tracker { case jira, jiraCloud, serviceNow }

    static let user = "sync"
    static let cloudUser = "sync@example.com"
    static let password = "s3cret-Pa55"

    let tracker: Tracker
    let instance: PluginInstance
    let http: TrackerHTTPService
    let baseURL: String
    private let logs = LogBook()
    private let stopSimulator: () -> Void
    let setFaults: (FaultPolicy) -> Void
    /// Registers a URL that gets every webhook the simulator sends.
    let addWebhook: (String) -> Void
    /// The simulator's request counters.
    let stats: () -> SimStatsSnapshot

    var logLines: [String] { logs.lines }

    /// Starts the simulator and creates an instance; `jira`/`serviceNow` may set
    /// simulator options, `configure` may change the config first.
    init(_ tracker: Tracker, configure: (inout [String: JSON]) -> Void = { _ in },
         jira: (inout JiraSimulatorConfiguration) -> Void = { _ in },
         serviceNow: (inout ServiceNowSimulatorConfiguration) -> Void = { _ in }) throws {
        self.tracker = tracker
        let plugin: LoadedPlugin
        switch tracker {
        case .jira, .jiraCloud:
            var settings = JiraSimulatorConfiguration(user: tracker == .jiraCloud ? Self.cloudUser : Self.user, password: Self.password)
            settings.flavor = tracker == .jiraCloud ? .cloud : .datacenter
            jira(&settings)
            let simulator = try JiraSimulator(configuration: settings)
            try simulator.start()
            baseURL = simulator.baseURL
            stopSimulator = simulator.stop
            setFaults = simulator.setFaults
            addWebhook = simulator.addWebhook
            stats = { simulator.stats }
            plugin = try PluginLoader().load(path: TestPaths.products + "/libJiraLike.so").get()
        case .serviceNow:
            var settings = ServiceNowSimulatorConfiguration(user: Self.user, password: Self.password)
            serviceNow(&settings)
            let simulator = try ServiceNowSimulator(configuration: settings)
            try simulator.start()
            baseURL = simulator.baseURL
            stopSimulator = simulator.stop
            setFaults = simulator.setFaults
            addWebhook = simulator.addWebhook
            stats = { simulator.stats }
            plugin = try PluginLoader().load(path: TestPaths.products + "/libServiceNowLike.so").get()
        }
        var config = Self.configuration(tracker, baseURL: baseURL)
        configure(&config)
        http = TrackerHTTPService(baseUrl: baseURL, client: HTTPClient(), defaultTimeoutMs: 10_000)
        instance = try PluginInstance(plugin: plugin, name: "side", configuration: .object(config),
                                      services: Self.services(http: http, logs: logs))
    }

    deinit { stopSimulator() }

    static func configuration(_ tracker: Tracker, baseURL: String) -> [String: JSON] {
        var config: [String: JSON] = [
            "baseUrl": .string(baseURL),
            "auth": ["type": "basic", "user": .string(tracker == .jiraCloud ? cloudUser : user), "password": .string(password)],
        ]
        if tracker != .serviceNow { config["project"] = "SUP" }
        return config
    }

    static func services(http: TrackerHTTPService, logs: LogBook = LogBook()) -> HostServices {
        HostServices(log: { name, level, line in logs.append("\(name) \(level) \(line)") },
                     http: { http.perform($0) },
                     secret: { name in name == "tracker-password" ? password : nil },
                     nowMs: { Int64(Date().timeIntervalSince1970 * 1000) })
    }

    /// Calls `operation` and returns its JSON output.
    @discardableResult
    func call(_ operation: String, _ input: JSON, blob: [UInt8]? = nil) throws -> JSON {
        try instance.call(operation, input, blob: blob).json
    }

    /// The error `operation` fails with; fails the test when it succeeds.
    func failure(_ operation: String, _ input: JSON, file: StaticString = #filePath, line: UInt = #line) -> PluginCallError? {
        do {
            let output = try instance.call(operation, input)
            XCTFail("\(operation) succeeded with \(output.json.text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// Creates an entity with a title and returns its id.
    func createEntity(_ title: String, extra: [String: JSON] = [:]) throws -> String {
        var fields = extra
        fields[titleField] = .string(title)
        return try XCTUnwrap(call("create", ["fields": .object(fields)])["id"]?.stringValue)
    }

    /// The tracker's own name of the one-line title field.
    var titleField: String { tracker == .serviceNow ? "short_description" : "summary" }
}

/// Host log lines, kept for assertions.
final class LogBook: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
