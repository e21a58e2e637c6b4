import Foundation
import LocalDeployment
import TandemCLI
import TandemJSON

/// `tandem-bench scale`: what one more linked entity costs. The same four
/// processes as `sync`, measured once with 200 linked issues and again, in
/// the same run, with N: a cost that grows with N shows as the two columns
/// drifting apart.
struct ScaleBenchmark: Command {
    static let path = ["scale"]
    static let summary = "bulk link rate, store bytes, RSS, latency and CPU per change at 200 and at N linked entities"
    static let help = """
        Usage: tandem-bench scale [--entities N] [--latency-samples N] [--threads N] [--keep-folder]

        Starts both simulators and both nodes from this build (run
        `swift build -c release` and `make plugins CONFIG=release` first), with
        no trigger but Jira webhooks registered only while latency is measured,
        and the creation breaker off (maxCreatesPerMinute 0), as for any import.
        For 200 issues, then for N (default 100000; the 200 are among them):
          1. creates the issues in Jira (--threads, default 8, in parallel);
          2. links them all with `tandem sync --query 'project = SUP'`: rate;
          3. store bytes per linked entity on each node, resident and peak RSS;
          4. change latency, Jira edit → ServiceNow write (webhook), p50/p99,
             and the CPU time both nodes spent per change, over
             --latency-samples changes (default 200: over a few dozen, one
             copy of the import's WAL into the store weighs on the CPU);
          5. idle CPU of each node over 10 s (the kernel counts CPU in
             10 ms ticks: 0.1 % of 10 s);
          6. stop time (SIGTERM → exit) and restart time (start → listening)
             of the Jira-side node.
        Steps 3–6 wait until both nodes' history pruners have caught up with
        the import (within a minute of it), so that its pruning is counted
        neither as the cost of a change nor as idling.
        """

    struct Figures {
        var entities = 0
        var createSeconds = 0.0
        var linked = 0
        var linkSeconds = 0.0
        /// CPU milliseconds per newly linked entity: both nodes, both simulators.
        var linkCPUms = (nodes: 0.0, simulators: 0.0)
        var storeBytesPerEntity: [String: Double] = [:]
        var rss: [String: Double] = [:]
        var peakRSS: [String: Double] = [:]
        var latencies: [Double] = []
        var cpuMsPerChange = 0.0
        var idleCPUPercent: [String: Double] = [:]
        var stopSeconds = 0.0
        var restartSeconds = 0.0
    }

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let entities = try arguments.intOption("--entities", in: 201...1_000_000) ?? 100_000
        let samples = try arguments.intOption("--latency-samples", in: 1...10_000) ?? 200
        let threads = try arguments.intOption("--threads", in: 1...64) ?? 8
        let keep = arguments.flag("--keep-folder")
        try arguments.finish()
        let build: LocalBuild
        do { build = try LocalBuild.locate(binaryFolder: LocalBuild.currentBinaryFolder) } catch {
            throw CommandError("\(error)", exitCode: .validationFailure)
        }
        let folder = NSTemporaryDirectory() + "/tandem-bench-scale-\(getpid())"
        var options = SyncDeployment.Options(webhooks: false, pollSeconds: nil)
        options.workers = 8
        options.editConfig = { node, config in
            // A bulk import: the creation breaker (600 a minute by default) is for sync loops.
            config["connections"]?[SyncDeployment.connection]?["maxCreatesPerMinute"] = 0
            // Blue accepts Jira webhooks; the simulator sends them only while registered.
            if node == "blue" { config["connections"]?[SyncDeployment.connection]?["trigger"]?["webhook"] = true }
            if node == "green" { config["instances"]?["servicenow"]?["config"]?["integrationUser"] = "admin" }
        }
        let deployment = try SyncDeployment(options, tandem: build.tandem, examples: build.examples, plugins: build.plugins,
                                            folder: folder)
        defer {
            deployment.stop()
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
        }
        let started = Date()
        print("four processes up (logs in \(folder)); measuring at 200, then at \(entities) linked issues")
        var results: [Figures] = []
        var created = 0
        for target in [200, entities] {
            var figures = Figures(entities: target)
            let createStart = Date()
            try createIssues(from: created, to: target, threads: threads, deployment: deployment)
            figures.createSeconds = Date().timeIntervalSince(createStart)
            created = target
            print("  created issues up to \(target) in \(fixed(figures.createSeconds, 1)) s")

            let linkStart = Date()
            let nodesBefore = cpuSeconds([deployment.blue, deployment.green])
            let simulatorsBefore = cpuSeconds([deployment.jiraSim, deployment.serviceNowSim])
            let result = try deployment.run(["sync", "--query", "project = SUP", "--connection", SyncDeployment.connection,
                                             "--timeout", "86400"], node: "blue")
            figures.linkSeconds = Date().timeIntervalSince(linkStart)
            guard result.status == 0 else { throw CommandError("sync --query failed: \(result.stdout)\(result.stderr.suffix(2000))") }
            deployment.waitUntilIdle(seconds: 600)
            figures.linked = target - (results.last?.entities ?? 0)
            figures.linkCPUms = ((cpuSeconds([deployment.blue, deployment.green]) - nodesBefore) * 1000 / Double(figures.linked),
                                 (cpuSeconds([deployment.jiraSim, deployment.serviceNowSim]) - simulatorsBefore) * 1000 / Double(figures.linked))
            print("  linked \(figures.linked) new issues in \(fixed(figures.linkSeconds, 1)) s: " + (result.stdout.split(separator: "\n").first.map(String.init) ?? ""))
            try waitForHistoryPruned(deployment)

            // Blue is restarted only at the end of the phase: these are its process until then.
            let nodes = [("blue", deployment.blue!), ("green", deployment.green!)]
            for (name, process) in nodes {
                figures.storeBytesPerEntity[name] = Double(storeBytes(folder + "/data/" + name)) / Double(target)
                figures.rss[name] = Double(rss(process.processIdentifier, "VmRSS:") ?? 0) / 1_048_576
                figures.peakRSS[name] = Double(rss(process.processIdentifier, "VmHWM:") ?? 0) / 1_048_576
            }

            let hook = try deployment.jira.request("POST", "/rest/webhooks/1.0/webhook", [
                "name": "bench", "url": .string("http://127.0.0.1:\(deployment.bluePort)/hooks/jira"), "events": ["jira:issue_created", "jira:issue_updated"],
            ])
            let cpuBefore = cpuSeconds(deployment)
            figures.latencies = try LoadGenerator(deployment: deployment).latencies(samples: samples)
            figures.cpuMsPerChange = (cpuSeconds(deployment) - cpuBefore) * 1000 / Double(samples + 1)
            if let link = hook["self"]?.stringValue, let id = link.split(separator: "/").last {
                try deployment.jira.request("DELETE", "/rest/webhooks/1.0/webhook/\(id)")
            }
            deployment.waitUntilIdle(seconds: 60)

            let idleSeconds = 10.0
            let idleBefore = nodes.map { cpuSeconds([$0.1]) }
            Thread.sleep(forTimeInterval: idleSeconds)
            for ((name, process), before) in zip(nodes, idleBefore) {
                figures.idleCPUPercent[name] = (cpuSeconds([process]) - before) / idleSeconds * 100
            }

            let stopStart = Date()
            deployment.blue.stop()
            figures.stopSeconds = Date().timeIntervalSince(stopStart)
            let restartStart = Date()
            try deployment.startNode("blue")
            figures.restartSeconds = Date().timeIntervalSince(restartStart)
            deployment.waitUntilIdle(seconds: 60)
            results.append(figures)
        }
        report(results)
        print("total run time \(fixed(Date().timeIntervalSince(started), 0)) s")
        return .success
    }

    /// Waits until both nodes' history pruners have caught up with the
    /// import (a pass that left no work, after this call): its history is
    /// pruned within a minute of a link, and the steady-state figures that
    /// follow are not to count that pruning as the cost of a change or of idling.
    private static func waitForHistoryPruned(_ deployment: SyncDeployment) throws {
        let nodes = [deployment.blue!, deployment.green!]
        let caughtUp = { (node: BackgroundProcess) in
            try node.metricSum("tandem_history_prune_passes_total", labels: "left=\"none\"")
        }
        let before = try nodes.map(caughtUp)
        let start = Date()
        while try zip(nodes, before).contains(where: { try caughtUp($0.0) <= $0.1 }) {
            guard Date().timeIntervalSince(start) < 300 else { throw CommandError("the nodes' history pruners did not catch up within 300 s") }
            Thread.sleep(forTimeInterval: 0.5)
        }
        print("  the import's history pruned by both nodes in \(fixed(Date().timeIntervalSince(start), 1)) s")
    }

    /// Creates issues `from..<to` ("scale N") with `threads` parallel clients.
    private static func createIssues(from: Int, to: Int, threads: Int, deployment: SyncDeployment) throws {
        let next = ManagedCounter()
        let failures = ManagedCounter()
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let client = TrackerClient(baseURL: deployment.jiraSim.url, user: "sync", password: "jira-pw")
                while true {
                    let index = from + next.take()
                    if index >= to { return }
                    if (try? client.createIssue("scale \(index)")) == nil { failures.add(1) }
                }
            }
        }
        group.wait()
        if failures.value > 0 { throw CommandError("\(failures.value) issue creations failed") }
    }

    private static func storeBytes(_ directory: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasPrefix("tandem.db") }.reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int) ?? 0)
        }
    }

    private static func rss(_ pid: Int32, _ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
    }

    /// User + system CPU seconds of both nodes so far.
    private static func cpuSeconds(_ deployment: SyncDeployment) -> Double {
        cpuSeconds([deployment.blue, deployment.green])
    }

    /// User + system CPU seconds of `processes` so far.
    private static func cpuSeconds(_ processes: [BackgroundProcess]) -> Double {
        processes.reduce(0) { total, process in
            guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return total }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // Fields after the command: state is 0, utime 11, stime 12 (clock ticks).
            let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
            return total + ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
    }

    private static func report(_ results: [Figures]) {
        func row(_ name: String, _ value: (Figures) -> String) {
            print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + results.map { value($0).padding(toLength: 18, withPad: " ", startingAt: 0) }.joined())
        }
        print("")
        row("linked entities") { "\($0.entities)" }
        row("issue creation (Jira simulator), issues/s") { fixed(Double($0.entities - ($0.entities == results[0].entities ? 0 : results[0].entities)) / $0.createSeconds, 0) }
        row("bulk link rate, issues/s") { fixed(Double($0.linked) / $0.linkSeconds, 1) }
        row("link CPU per entity, nodes / sims, ms") { "\(fixed($0.linkCPUms.nodes, 2)) / \(fixed($0.linkCPUms.simulators, 2))" }
        row("store bytes per entity, blue / green") { "\(fixed($0.storeBytesPerEntity["blue"] ?? 0, 0)) / \(fixed($0.storeBytesPerEntity["green"] ?? 0, 0))" }
        row("RSS MiB, blue / green") { "\(fixed($0.rss["blue"] ?? 0, 1)) / \(fixed($0.rss["green"] ?? 0, 1))" }
        row("peak RSS MiB, blue / green") { "\(fixed($0.peakRSS["blue"] ?? 0, 1)) / \(fixed($0.peakRSS["green"] ?? 0, 1))" }
        row("change latency p50 / p99, ms") { "\(fixed($0.latencies.percentile(0.5), 1)) / \(fixed($0.latencies.percentile(0.99), 1))" }
        row("CPU per change, both nodes, ms") { fixed($0.cpuMsPerChange, 2) }
        row("idle CPU %, blue / green") { "\(fixed($0.idleCPUPercent["blue"] ?? 0, 1)) / \(fixed($0.idleCPUPercent["green"] ?? 0, 1))" }
        row("stop time (SIGTERM → exit), s") { fixed($0.stopSeconds, 3) }
        row("restart time (start → listening), s") { fixed($0.restartSeconds, 3) }
    }
}
