import Foundation
import TandemCLI
import TandemHTTP
#if canImport(Glibc)
import Glibc
#endif

/// `tandem-bench http`: requests per second of TandemHTTP against nginx, side by side.
///
/// Both serve the same 12-byte body on loopback to the same load generator
/// (`wrk`, keep-alive) in one run; the figure that matters is the ratio, since
/// absolute numbers depend on the machine. nginx runs with one worker, its own
/// prefix and config in a temporary folder and no access log.
struct HttpBenchmark: Command {
    static let path = ["http"]
    static let summary = "requests/s of the HTTP server vs nginx (needs nginx and wrk)"
    static let help = """
        Usage: tandem-bench http [--duration SECONDS] [--connections N] [--threads N] [--rounds N]

        Serves a 12-byte body from TandemHTTP's server and a 12-byte static file
        from nginx (one worker, access log off) on loopback ports, runs
        `wrk -t THREADS -c CONNECTIONS -d DURATION` against each, and prints both
        requests/s and their ratio. Installs nothing: when nginx or wrk is missing
        it prints the apt-get command and exits with 2.

        Options:
          --duration SECONDS   load time per server (default 10)
          --connections N      concurrent keep-alive connections (default 16)
          --threads N          wrk threads (default 1)
          --rounds N           alternate the two servers N times and report
                               medians (default 1; more evens out a busy machine)

        Build with `swift build -c release` first; debug numbers mean nothing.
        Example: .build/release/tandem-bench http --duration 10
        """

    static let body = Array("hello world\n".utf8)   // 12 bytes

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let duration = try arguments.intOption("--duration", in: 1...600) ?? 10
        let connections = try arguments.intOption("--connections", in: 1...1000) ?? 16
        let threads = try arguments.intOption("--threads", in: 1...64) ?? 1
        let rounds = try arguments.intOption("--rounds", in: 1...20) ?? 1
        try arguments.finish()

        guard let wrk = findExecutable("wrk"), let nginx = findExecutable("nginx") else {
            printError("tandem-bench http: needs nginx and wrk; install them with:")
            printError("  apt-get install -y nginx-light wrk")
            return .validationFailure
        }
        print("load: wrk -t\(threads) -c\(connections) -d\(duration)s, body \(body.count) bytes, keep-alive, loopback")

        let server = HTTPServer(configuration: HTTPServerConfiguration()) { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: HttpBenchmark.body)
        }
        let ourPort = try server.start()
        defer { server.stop() }
        let instance = try NginxInstance(nginx: nginx, body: body)
        defer { instance.stop() }

        var ours: [Double] = []
        var theirs: [Double] = []
        for round in 1...rounds {
            let label = rounds > 1 ? " (round \(round))" : ""
            let our = try runWrk(wrk, threads: threads, connections: connections, duration: duration,
                                 url: "http://127.0.0.1:\(ourPort)/hello.txt")
            print("TandemHTTP  \(fixed(our.requestsPerSecond, 0)) req/s\(label)\(our.problems)")
            let their = try runWrk(wrk, threads: threads, connections: connections, duration: duration,
                                   url: "http://127.0.0.1:\(instance.port)/hello.txt")
            print("nginx       \(fixed(their.requestsPerSecond, 0)) req/s\(label)\(their.problems)")
            ours.append(our.requestsPerSecond)
            theirs.append(their.requestsPerSecond)
        }
        let (ourMedian, theirMedian) = (median(ours), median(theirs))
        if rounds > 1 {
            print("medians     TandemHTTP \(fixed(ourMedian, 0)) req/s, nginx \(fixed(theirMedian, 0)) req/s")
        }
        print("ratio       \(fixed(ourMedian / theirMedian, 3)) (TandemHTTP / nginx; target >= 0.3)")
        return .success
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    struct WrkResult {
        var requestsPerSecond: Double
        /// Non-2xx and socket error lines, if wrk reported any.
        var problems: String
    }

    static func runWrk(_ wrk: String, threads: Int, connections: Int, duration: Int, url: String) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(duration)s", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let value = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) else {
            throw CommandError("wrk printed no Requests/sec line for \(url):\n\(output)")
        }
        let problems = output.split(separator: "\n")
            .filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }
            .map { "  [" + $0.trimmingCharacters(in: .whitespaces) + "]" }
            .joined()
        return WrkResult(requestsPerSecond: value, problems: problems)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
