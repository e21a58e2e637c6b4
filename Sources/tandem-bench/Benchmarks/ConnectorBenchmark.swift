import Foundation
import NodeHost
import TandemCLI
import TandemHTTP
import TandemJSON
import TrackerSim

/// `tandem-bench connectors`: `get` and `update` of each bundled connector
/// against its simulator on loopback, through the ABI and the node's HTTP
/// service, with the HTTP requests each operation made.
struct ConnectorBenchmark: Command {
    static let path = ["connectors"]
    static let summary = "get and update ops/s and HTTP requests per op, each connector against its simulator"
    static let help = """
        Usage: tandem-bench connectors [--dir DIR] [--iterations N]

        Starts the Jira and ServiceNow simulators in this process on loopback,
        loads libJiraLike.so and libServiceNowLike.so from DIR (default: the
        folder of this executable, i.e. the build products), creates one issue
        (incident) with 3 comments and 2 attachments, then runs `get` and
        `update` (title and priority; over a pool of such issues, ~100 updates
        each) N times each (default 2000) on one thread
        and prints operations per second and the mean HTTP requests per
        operation (TrackerHTTPService.requestCount). Build with
        `swift build -c release` for real figures.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let directory = try arguments.option("--dir") ?? URL(fileURLWithPath: ConnectorBenchmark.executable).deletingLastPathComponent().path
        let iterations = try arguments.intOption("--iterations", in: 1...1_000_000) ?? 2000
        try arguments.finish()
        print("connectors against their simulators on loopback, \(iterations) operations each, one thread")
        for target in [BenchTarget.jira, .serviceNow] {
            let plugin: LoadedPlugin
            switch PluginLoader().load(path: directory + "/" + target.file) {
            case .success(let loaded): plugin = loaded
            case .failure(let refusal):
                throw CommandError("cannot load \(directory)/\(target.file): \(refusal); build it (swift build -c release) or pass --dir",
                                   exitCode: .validationFailure)
            }
            try measure(target, plugin: plugin, iterations: iterations)
        }
        return .success
    }

    private static func measure(_ target: BenchTarget, plugin: LoadedPlugin, iterations: Int) throws {
        let (base, stop) = try target.startSimulator()
        defer { stop() }
        let http = TrackerHTTPService(baseUrl: base, client: HTTPClient())
        let services = HostServices(log: { _, _, _ in }, http: { http.perform($0) }, secret: { _ in nil },
                                    nowMs: { Int64(Date().timeIntervalSince1970 * 1000) })
        let config: JSON = ["baseUrl": .string(base), "auth": ["type": "basic", "user": "bench", "password": "bench"], "project": "SUP"]
        let instance = try PluginInstance(plugin: plugin, name: target.name, configuration: config, services: services)

        // Updates rotate over a pool, ~100 each: the simulator keeps every change in the
        // issue's history and rewrites it on each save, which would otherwise dominate.
        let pool = try (0..<max(1, (iterations + iterations / 10) / 100)).map { _ in try makeIssue(target, instance) }
        let id = pool[0]
        let getRequests = http.requestCount
        let getNanos = try nanosPerIteration(iterations) { _ = try instance.call("get", ["id": id]) }
        let perGet = Double(http.requestCount - getRequests) / Double(iterations + max(1, iterations / 10))

        let priorities = target.priorities
        var turn = 0
        let updateRequests = http.requestCount
        let updateNanos = try nanosPerIteration(iterations) {
            turn += 1
            _ = try instance.call("update", ["id": pool[turn % pool.count], "fields": [target.title: .string("benchmark issue \(turn)"),
                                                                 "priority": .string(priorities[turn % priorities.count])]])
        }
        let perUpdate = Double(http.requestCount - updateRequests) / Double(iterations + max(1, iterations / 10))
        print("  \(plugin.id): get \(fixed(1e9 / getNanos, 0)) ops/s (\(fixed(getNanos / 1000, 1)) µs, \(fixed(perGet, 2)) HTTP requests/op), "
              + "update \(fixed(1e9 / updateNanos, 0)) ops/s (\(fixed(updateNanos / 1000, 1)) µs, \(fixed(perUpdate, 2)) HTTP requests/op)")
    }

    /// An issue (incident) with 3 comments and 2 attachments of 2 KiB; returns its id.
    private static func makeIssue(_ target: BenchTarget, _ instance: PluginInstance) throws -> JSON {
        let created = try instance.call("create", ["fields": [target.title: "benchmark issue", "description": "with comments and attachments"]]).json
        let id = created["id"] ?? .null
        for number in 1...3 { _ = try instance.call("comment.add", ["id": id, "body": .string("comment \(number)"), "internal": false]) }
        for number in 1...2 {
            _ = try instance.call("attachment.put", ["id": id, "filename": .string("file\(number).log"), "mimeType": "text/plain"],
                                  blob: Array(repeating: UInt8(ascii: "x"), count: 2048))
        }
        let entity = try instance.call("get", ["id": id]).json
        guard entity["comments"]?.arrayValue?.count == 3, entity["attachments"]?.arrayValue?.count == 2 else {
            throw CommandError("\(target.name): the benchmark issue does not read back with 3 comments and 2 attachments")
        }
        return id
    }

    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// One connector and its simulator.
private enum BenchTarget {
    case jira, serviceNow

    var name: String { self == .jira ? "jira" : "servicenow" }
    var file: String { self == .jira ? "libJiraLike.so" : "libServiceNowLike.so" }
    var title: String { self == .jira ? "summary" : "short_description" }
    var priorities: [String] { self == .jira ? ["High", "Low"] : ["High", "Moderate"] }

    /// Starts the simulator in memory on a free loopback port; returns its base URL and how to stop it.
    func startSimulator() throws -> (String, () -> Void) {
        switch self {
        case .jira:
            let simulator = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "bench", password: "bench"))
            try simulator.start()
            return (simulator.baseURL, simulator.stop)
        case .serviceNow:
            let simulator = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "bench", password: "bench"))
            try simulator.start()
            return (simulator.baseURL, simulator.stop)
        }
    }
}
