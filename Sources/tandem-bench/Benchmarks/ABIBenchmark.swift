import Foundation
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem-bench abi`: the cost of one operation round trip through the
/// plugin ABI next to the same operation called directly in Swift.
///
/// Through the ABI a call serialises its input JSON, crosses into the plugin
/// (which copies out its answer into a malloc'd buffer with its own release),
/// and the host parses the output JSON and releases the buffer. The direct
/// call hands the same JSON value to a Swift object behind a protocol, which
/// returns the same answer as a value. The difference is the ABI's overhead.
struct ABIBenchmark: Command {
    static let path = ["abi"]
    static let summary = "operation round trip through the plugin ABI vs a direct Swift call"
    static let help = """
        Usage: tandem-bench abi [--dir DIR] [--iterations N]

        Loads the plugins in DIR (default: plugins.d; run `make plugins` first),
        calls `describe` with a small JSON input N times (default 200000) on each,
        and prints nanoseconds per call through the ABI, per direct Swift call,
        and the difference. Then the same call to an isolated instance
        ("isolation": "process": a `tandem plugin-host` child answering over a
        socketpair; N/20 calls) and its overhead per round trip over the
        in-process call. The plugin host is the `tandem` beside this program.
        Build with `swift build -c release` for real figures.
        """

    /// `tandem` in the folder of this executable: it has the `plugin-host` command.
    static var hostExecutable: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("tandem").path
    }

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let directory = try arguments.option("--dir") ?? "plugins.d"
        let iterations = try arguments.intOption("--iterations", in: 1...100_000_000) ?? 200_000
        try arguments.finish()
        let plugins = try PluginLoader().scan(directory: directory).compactMap { try? $0.outcome.get() }
        guard !plugins.isEmpty else {
            throw CommandError("no loadable plugins in \(directory); run `make plugins` first", exitCode: .validationFailure)
        }
        let input: JSON = ["id": "SUP-1", "fields": ["summary", "status"]]
        print("plugin ABI round trip, describe with a small JSON input, \(iterations) calls each")
        for plugin in plugins {
            let instance = try PluginInstance(plugin: plugin, name: "bench", configuration: benchConfiguration(for: plugin.id),
                                              services: silentServices)
            let answer = try instance.call("describe", input).json
            let direct: any DirectOperation = CachedDescribe(answer: answer)
            let throughABI = try nanosPerIteration(iterations) { _ = try instance.call("describe", input) }
            let inSwift = nanosPerIteration(iterations) { _ = direct.perform(input) }
            print("  \(plugin.id) (\(plugin.runtime)): ABI \(fixed(throughABI, 0)) ns/call, direct Swift \(fixed(inSwift, 0)) ns/call, "
                  + "overhead \(fixed((throughABI - inSwift) / 1000, 3)) µs/call, output \(answer.serialized().count) bytes")
            let isolated = try PluginInstance(plugin: plugin, name: "bench", configuration: benchConfiguration(for: plugin.id),
                                              services: silentServices, isolation: .process, hostExecutable: hostExecutable)
            let isolatedIterations = max(1, iterations / 20)
            let throughHost = try nanosPerIteration(isolatedIterations) { _ = try isolated.call("describe", input) }
            print("    isolated (plugin host over a socketpair, \(isolatedIterations) calls): \(fixed(throughHost / 1000, 2)) µs/call, "
                  + "overhead \(fixed((throughHost - throughABI) / 1000, 2)) µs per round trip vs in process")
        }
        return .success
    }

    private static func benchConfiguration(for id: String) -> JSON {
        [
            "baseUrl": "http://127.0.0.1:9", "auth": ["type": "bearer", "token": "bench"], "project": "SUP",
            "dir": "/tmp/tandem-bench-filestore",
        ]
    }
}

/// The direct-Swift twin of a plugin operation.
protocol DirectOperation {
    func perform(_ input: JSON) -> JSON
}

/// Answers like a plugin's `describe`: a prepared value.
struct CachedDescribe: DirectOperation {
    let answer: JSON
    func perform(_ input: JSON) -> JSON { input.isNull ? .null : answer }
}

let silentServices = HostServices(
    log: { _, _, _ in }, http: { _ in .failure(.unreachable("benchmark has no network")) },
    secret: { _ in nil }, nowMs: { 0 })
