import Foundation
import LocalDeployment
import TandemCLI
import TandemJSON

/// `tandem-bench sync`: the whole system under load, four real processes on
/// this machine (Jira and ServiceNow simulators, two nodes), release build.
///
/// Figures: latency from a webhook-triggered Jira change to the
/// ServiceNow write (p50, p99); sustained synced changes per second across
/// many entities; tracker HTTP requests per synced change, and how many of
/// them checked `trigger.query`; time to drain
/// changes queued while the peer node was down; peak RSS of each node.
///
/// A synced change is one write the node makes to ServiceNow. Writes are
/// observed through the simulator's uncounted `/_sim/stats`, so the
/// measurement adds no tracker requests of its own.
struct SyncBenchmark: Command {
    static let path = ["sync"]
    static let summary = "end-to-end latency, throughput, requests per change, outage drain, node RSS"
    static let help = """
        Usage: tandem-bench sync [--latency-samples N] [--entities N] [--seconds S] [--rate N]
                                 [--load-threads N] [--drain N] [--workers N] [--keep-folder]

        Starts both simulators and both nodes from this build (run
        `swift build -c release` and `make plugins CONFIG=release` first), then:
          1. latency: N (default 100) single Jira edits, one at a time, each timed
             from the edit to the ServiceNow write (webhook-triggered);
          2. throughput: N issues (default 200) edited by several threads at a
             fixed offered rate (--rate, default 600 edits/s) for S seconds
             (default 60); the sustained rate is the edits over the time until
             all were synced (the load plus the catch-up), and tracker
             requests per synced change;
          3. drain: with the ServiceNow node stopped, edits until N changes
             (default 10000) are queued, then starts it and times the drain;
          4. peak RSS of each node.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let samples = try arguments.intOption("--latency-samples", in: 1...10_000) ?? 100
        let entities = try arguments.intOption("--entities", in: 1...5_000) ?? 200
        let seconds = try arguments.intOption("--seconds", in: 1...3_600) ?? 60
        let threads = try arguments.intOption("--load-threads", in: 1...64) ?? 6
        let rate = try arguments.intOption("--rate", in: 1...100_000) ?? 600
        let drain = try arguments.intOption("--drain", in: 0...100_000) ?? 10_000
        let workers = try arguments.intOption("--workers", in: 1...64) ?? 8
        let keep = arguments.flag("--keep-folder")
        try arguments.finish()

        let build: LocalBuild
        do { build = try LocalBuild.locate(binaryFolder: LocalBuild.currentBinaryFolder) } catch {
            throw CommandError("\(error)", exitCode: .validationFailure)
        }
        let folder = NSTemporaryDirectory() + "/tandem-bench-sync-\(getpid())"
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.workers = workers
        // As in production, each node writes as its own integration account; the
        // benchmark's "humans" edit Jira only, so the ServiceNow node can filter
        // its own writes' webhooks by actor.
        // Webhooks signed as in production: a verified Jira webhook carries the
        // issue, which saves the read an unauthenticated notice would cost.
        let hookSecret = "bench-webhook-secret-0123456789"
        options.jiraFlags = ["--webhook-secret", hookSecret]
        options.serviceNowFlags = ["--webhook-secret", hookSecret]
        options.editConfig = { node, config in
            let instance = node == "green" ? "servicenow" : "jira"
            config["instances"]?[instance]?["webhookSecret"] = .string(hookSecret)
            if node == "green" { config["instances"]?["servicenow"]?["config"]?["integrationUser"] = "admin" }
        }
        let deployment = try SyncDeployment(options, tandem: build.tandem, examples: build.examples, plugins: build.plugins,
                                            folder: folder)
        defer {
            deployment.stop()
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
        }
        print("four processes up (logs in \(folder)); workers per connection: \(workers)")
        let load = LoadGenerator(deployment: deployment)

        let latencies = try load.latencies(samples: samples)
        print("latency, Jira edit → ServiceNow write (\(samples) samples): p50 \(fixed(latencies.percentile(0.5), 1)) ms, "
              + "p99 \(fixed(latencies.percentile(0.99), 1)) ms, max \(fixed(latencies.max() ?? 0, 1)) ms")

        let scopeBefore = try ScopeRequests.count(deployment)
        let throughput = try load.throughput(entities: entities, seconds: seconds, threads: threads, rate: rate)
        let firstReplicaChecks = try ScopeRequests.count(deployment) - scopeBefore - throughput.scopeRequests
        let sustained = Double(throughput.edits) / (Double(seconds) + throughput.catchUp)
        print("throughput: \(throughput.edits) Jira edits offered at \(rate)/s over \(seconds) s on \(entities) issues by \(threads) threads, all synced "
              + "\(fixed(throughput.catchUp, 2)) s after the load stopped = \(fixed(sustained, 1)) synced changes/s sustained "
              + "(\(throughput.synced) ServiceNow writes: queued edits of one issue are applied as one)")
        print("tracker requests per synced change: \(fixed(throughput.requestsPerChange, 2)) per ServiceNow write, "
              + "\(fixed(Double(throughput.jiraRequests + throughput.serviceNowRequests - throughput.edits) / Double(max(1, throughput.edits)), 2)) per Jira edit "
              + "(Jira \(throughput.jiraRequests), ServiceNow \(throughput.serviceNowRequests), of which the load's own Jira edits \(throughput.edits))")
        print("of which trigger.query checks: \(throughput.scopeRequests) = "
              + "\(fixed(Double(throughput.scopeRequests) / Double(max(1, throughput.synced)), 3)) per synced change "
              + "(linked issues are not checked); the first replicas of the \(entities) issues made \(firstReplicaChecks) before the load")

        if drain > 0 {
            let drained = try load.drain(changes: drain, restart: { try deployment.startNode("green") })
            print("drain: \(drained.queued) changes queued during a peer outage, drained in \(fixed(drained.seconds, 2)) s "
                  + "(\(fixed(Double(drained.queued) / max(drained.seconds, 0.001), 0)) changes/s)")
        }
        for (name, process) in [("blue", deployment.blue!), ("green", deployment.green!)] {
            let rss = SyncDeployment.peakRSS(of: process.processIdentifier).map { fixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "?"
            print("peak RSS of node \(name): \(rss)")
        }
        return .success
    }
}

extension Array where Element == Double {
    /// The `fraction` quantile (nearest rank) of the values.
    func percentile(_ fraction: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int((fraction * Double(sorted.count)).rounded(.up)) - 1)]
    }
}
