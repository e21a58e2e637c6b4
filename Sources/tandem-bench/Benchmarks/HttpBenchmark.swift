import Foundation
import LocalDeployment
import TandemCLI
import TandemHTTP
#if canImport(Glibc)
import Glibc
#endif

/// `tandem-bench http`: requests per second and latency of TandemHTTP against
/// nginx, side by side, over plain HTTP and over TLS.
///
/// Both serve the same 12-byte body on loopback to the same load generator
/// (`wrk --latency`, keep-alive) in one run; the figures that matter are the
/// ratios, since absolute numbers depend on the machine. nginx runs with one
/// worker, its own prefix and config in a temporary folder and no access log;
/// over TLS both use the same certificate from a throw-away CA.
struct HttpBenchmark: Command {
    static let path = ["http"]
    static let summary = "requests/s and latency of the HTTP server vs nginx, plain and TLS (needs nginx and wrk)"
    static let help = """
        Usage: tandem-bench http [--duration SECONDS] [--connections N] [--threads N] [--rounds N]
               tandem-bench http --flood [--duration SECONDS]

        Serves a 12-byte body from TandemHTTP's server and a 12-byte static file
        from nginx (one worker, access log off) on loopback ports, over plain
        HTTP and over TLS (a certificate from a throw-away CA, made with the
        openssl command), runs `wrk --latency -t THREADS -c CONNECTIONS -d DURATION`
        against each, and prints requests/s, latency p50/p99 and the ratios.
        Installs nothing: when nginx or wrk is missing it prints the apt-get
        command and exits with 2.

        With --flood, instead: opens 2,000 idle connections, 520 that send their
        head one byte per 200 ms and ten parallel 30 MiB uploads against
        TandemHTTP's server, probes /healthz and a peer-class request four times
        a second for DURATION, and prints their latency (p50, p99, max) and the
        process's peak resident memory. Needs nothing installed.

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
        let flood = arguments.flag("--flood")
        try arguments.finish()
        if flood { return try runFlood(seconds: duration) }

        guard let wrk = findExecutable("wrk"), let nginx = findExecutable("nginx") else {
            printError("tandem-bench http: needs nginx and wrk; install them with:")
            printError("  apt-get install -y nginx-light wrk")
            return .validationFailure
        }
        print("load: wrk --latency -t\(threads) -c\(connections) -d\(duration)s, body \(body.count) bytes, keep-alive, loopback")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-tls-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let issued = try LocalCertificateAuthority(folder: folder).issue("bench")
        let handler: @Sendable (HTTPRequest) -> HTTPResponse = { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: HttpBenchmark.body)
        }
        let plainServer = HTTPServer(configuration: HTTPServerConfiguration(), handler: handler)
        let plainPort = try plainServer.start()
        defer { plainServer.stop() }
        var tlsConfiguration = HTTPServerConfiguration()
        tlsConfiguration.tls = HTTPServerTLS(certificateFile: issued.certificateFile, privateKeyFile: issued.keyFile)
        let tlsServer = HTTPServer(configuration: tlsConfiguration, handler: handler)
        let tlsPort = try tlsServer.start()
        defer { tlsServer.stop() }
        let instance = try NginxInstance(nginx: nginx, body: body, tls: (issued.certificateFile, issued.keyFile))
        defer { instance.stop() }

        let targets = [
            ("TandemHTTP", "http://127.0.0.1:\(plainPort)/hello.txt"),
            ("nginx", "http://127.0.0.1:\(instance.port)/hello.txt"),
            ("TandemHTTP TLS", "https://127.0.0.1:\(tlsPort)/hello.txt"),
            ("nginx TLS", "https://127.0.0.1:\(instance.tlsPort)/hello.txt"),
        ]
        var results: [String: [WrkResult]] = [:]
        for round in 1...rounds {
            let label = rounds > 1 ? " (round \(round))" : ""
            for (name, url) in targets {
                let result = try runWrk(wrk, threads: threads, connections: connections, duration: duration, url: url)
                results[name, default: []].append(result)
                print(pad(name) + "\(fixed(result.requestsPerSecond, 0)) req/s, p50 \(fixed(result.p50Millis, 3)) ms, "
                      + "p99 \(fixed(result.p99Millis, 3)) ms\(label)\(result.problems)")
            }
        }
        func medianOf(_ name: String, _ value: (WrkResult) -> Double) -> Double { median(results[name, default: []].map(value)) }
        if rounds > 1 {
            print("medians")
            for (name, _) in targets {
                print("  " + pad(name) + "\(fixed(medianOf(name, \.requestsPerSecond), 0)) req/s, p50 \(fixed(medianOf(name, \.p50Millis), 3)) ms, "
                      + "p99 \(fixed(medianOf(name, \.p99Millis), 3)) ms")
            }
        }
        let plainRatio = medianOf("TandemHTTP", \.requestsPerSecond) / medianOf("nginx", \.requestsPerSecond)
        let tlsRatio = medianOf("TandemHTTP TLS", \.requestsPerSecond) / medianOf("nginx TLS", \.requestsPerSecond)
        print("ratio       \(fixed(plainRatio, 3)) plain, \(fixed(tlsRatio, 3)) TLS (TandemHTTP / nginx req/s; target >= 0.3)")
        return .success
    }

    /// The flood scenario of `HTTPServerFloodTests`, timed in this build.
    static func runFlood(seconds: Int) throws -> ExitCode {
        print("flood: 2000 idle, 520 slow-header, 10 x 30 MiB uploads; probing /healthz and /peer/ for \(seconds) s")
        FileLimit.raise(toAtLeast: 8192)
        var configuration = HTTPServerConfiguration()
        configuration.admission = { head in
            head.path.hasPrefix("/peer/") && head.headers["X-Signed"] != "yes" ? .error(401, "unsigned") : nil
        }
        let server = HTTPServer(configuration: configuration) { request in .text(200, "\(request.body.count)") }
        let port = try server.start()
        defer { server.stop() }
        let flood = ConnectionFlood(port: port, idle: 2000, slow: 520, uploads: 10, uploadBytes: 30 << 20)
        defer { flood.stop() }
        let probe = HTTPClient(maxIdleConnectionsPerHost: 0)
        var health: [Double] = []
        var peer: [Double] = []
        var failures = 0
        var peakRSS = 0
        let end = Date(timeIntervalSinceNow: Double(seconds))
        while Date() < end {
            for (path, headers, samples) in [("/healthz", HTTPHeaders(), 0), ("/peer/v1/messages", ["X-Signed": "yes"], 1)] {
                let started = Date()
                let status = (try? probe.send(HTTPClientRequest(method: samples == 0 ? "GET" : "POST", url: "http://127.0.0.1:\(port)\(path)",
                                                                headers: headers, body: samples == 0 ? [] : Array("{}".utf8),
                                                                timeoutSeconds: 10)).status) ?? 0
                let millis = Date().timeIntervalSince(started) * 1000
                if status != 200 { failures += 1 }
                if samples == 0 { health.append(millis) } else { peer.append(millis) }
            }
            peakRSS = max(peakRSS, ConnectionFlood.residentMegabytes())
            usleep(250_000)
        }
        func line(_ name: String, _ values: [Double]) -> String {
            let sorted = values.sorted()
            func at(_ q: Double) -> Double { sorted.isEmpty ? -1 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            return pad(name) + "p50 \(fixed(at(0.5), 1)) ms, p99 \(fixed(at(0.99), 1)) ms, max \(fixed(sorted.last ?? -1, 1)) ms (\(values.count) probes)"
        }
        print(line("/healthz", health))
        print(line("/peer/", peer))
        print("failures    \(failures); peak RSS \(peakRSS) MB (server and flooding clients in one process)")
        return failures == 0 ? .success : .failure
    }

    static func pad(_ name: String) -> String { name + String(repeating: " ", count: max(1, 16 - name.count)) }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    struct WrkResult {
        var requestsPerSecond: Double
        var p50Millis: Double
        var p99Millis: Double
        /// Non-2xx and socket error lines, if wrk reported any.
        var problems: String
    }

    static func runWrk(_ wrk: String, threads: Int, connections: Int, duration: Int, url: String) throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["--latency", "-t\(threads)", "-c\(connections)", "-d\(duration)s", url]
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
        return WrkResult(requestsPerSecond: value, p50Millis: percentile("50%", output), p99Millis: percentile("99%", output),
                         problems: problems)
    }

    /// A line of wrk's latency distribution ("     99%    1.23ms") in milliseconds; -1 when absent.
    static func percentile(_ label: String, _ output: String) -> Double {
        guard let line = output.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }),
              let text = line.split(separator: " ").last else { return -1 }
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(unit) {
            if let value = Double(text.dropLast(unit.count)) { return value * scale }
        }
        return -1
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }
}
