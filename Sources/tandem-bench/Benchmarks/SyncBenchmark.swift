import Foundation
import LocalDeployment
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem-bench sync`: the whole system under load, four real processes on
/// this machine (Jira and ServiceNow simulators, two nodes), release build.
///
/// Figures: latency from a webhook-triggered Jira change to the ServiceNow
/// write (p50, p99); sustained synced changes per second across many
/// entities; distinct entity writes per second, one-sided and two-sided, and
/// their ratio to the simulators' own write ceiling measured in the same
/// run; tracker HTTP requests per synced change, and how many of them
/// checked `trigger.query`; time to drain changes queued while the peer node
/// was down; peak RSS of each node.
///
/// A synced change is one write the node makes to ServiceNow. Writes are
/// observed through the simulator's uncounted `/_sim/stats`, so the
/// measurement adds no tracker requests of its own.
struct SyncBenchmark: Command {
    static let path = ["sync"]
    static let summary = "end-to-end latency, throughput, distinct writes against the simulators' ceiling, requests per change, outage drain, node RSS"
    static let help = """
        Usage: tandem-bench sync [--latency-samples N] [--entities N] [--seconds S] [--rate N]
                                 [--load-threads N] [--drain N] [--workers N] [--ceiling-seconds S] [--history on|off]
                                 [--tracker-latency-ms N] [--shared-account]
                                 [--keep-folder] [--flavor datacenter|cloud]

        Starts both simulators and both nodes from this build (run
        `swift build -c release` and `make plugins CONFIG=release` first), then:
          1. latency: N (default 100) single Jira edits, one at a time, each timed
             from the edit to the ServiceNow write (webhook-triggered);
          2. throughput: N issues (default 200) edited by several threads at a
             fixed offered rate (--rate, default 600 edits/s) for S seconds
             (default 60); the sustained rate is the edits over the time until
             all were synced (the load plus the catch-up), and tracker
             requests per synced change;
             and distinct entity writes per second: the node's writes to
             ServiceNow (each one write of one entity, however many queued
             edits it carries) over the same time;
          3. two-sided: the same load made by people in both trackers, half
             summary edits and comments in Jira, half in ServiceNow; the nodes'
             writes to both trackers per second until idle;
          4. drain: with the ServiceNow node stopped, edits until N changes
             (default 10000) are queued, then starts it and times the drain;
          5. peak RSS of each node;
          6. the simulators' own write ceiling (both nodes stopped): PATCH
             /incident and PUT /issue answered per second, S seconds each
             (default 3), and the ratio of the distinct writes to it.
        --history off runs the nodes without the entity history
        (node.history.enabled false), to measure what it costs; the end
        prints the history's size in each store (bytes per event).

        --tracker-latency-ms N makes each simulator take N ms over every
        request, as a tracker across a network does: the nodes then wait on
        the trackers rather than on this machine's cores, and the ratio to
        the ceiling shows how much of a slow tracker's capacity they use.

        Each node signs in as its own integration user, as in production,
        while the load edits as the people's account, so a node tells the
        webhook of its own write apart by its actor. --shared-account runs
        the nodes on the people's account instead (then echo suppression
        rests on replica hashes, at a tracker read per own write).

        --flavor picks the Jira the simulator plays (default datacenter; cloud:
        token-paged /search/jql, accountIds, redirected downloads); the figures,
        tracker requests per synced change among them, are printed for it. Run
        once per flavour to compare them.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let samples = try arguments.intOption("--latency-samples", in: 1...10_000) ?? 100
        let entities = try arguments.intOption("--entities", in: 1...5_000) ?? 200
        let seconds = try arguments.intOption("--seconds", in: 1...3_600) ?? 60
        let threads = try arguments.intOption("--load-threads", in: 1...64) ?? 6
        let rate = try arguments.intOption("--rate", in: 1...100_000) ?? 600
        let drain = try arguments.intOption("--drain", in: 0...100_000) ?? 10_000
        let workers = try arguments.intOption("--workers", in: 1...64) ?? 8
        let history = try arguments.option("--history") ?? "on"
        let ceilingSeconds = try arguments.intOption("--ceiling-seconds", in: 1...600) ?? 3
        let trackerLatency = try arguments.intOption("--tracker-latency-ms", in: 0...10_000) ?? 0
        let keep = arguments.flag("--keep-folder")
        let sharedAccount = arguments.flag("--shared-account")
        let flavor = try arguments.option("--flavor") ?? "datacenter"
        guard flavor == "datacenter" || flavor == "cloud" else {
            throw CommandError.usage("--flavor takes datacenter or cloud, not '\(flavor)'")
        }
        try arguments.finish()
        guard history == "on" || history == "off" else { throw CommandError.usage("--history takes on or off, not '\(history)'") }

        let build: LocalBuild
        do { build = try LocalBuild.locate(binaryFolder: LocalBuild.currentBinaryFolder) } catch {
            throw CommandError("\(error)", exitCode: .validationFailure)
        }
        let folder = NSTemporaryDirectory() + "/tandem-bench-sync-\(getpid())"
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: nil)
        options.workers = workers
        // Webhooks signed as in production: a verified Jira webhook carries the
        // issue, which saves the read an unauthenticated notice would cost.
        options.signedWebhooks = true
        options.dedicatedIntegrationUsers = !sharedAccount
        let latency = trackerLatency > 0 ? ["--latency-ms", String(trackerLatency)] : []
        options.jiraFlags = ["--flavor", flavor] + latency
        options.serviceNowFlags = latency
        options.editConfig = { node, config in
            config["node"]?["history"] = ["enabled": .bool(history == "on")]
        }
        let deployment = try SyncDeployment(options, tandem: build.tandem, examples: build.examples, plugins: build.plugins,
                                            folder: folder)
        defer {
            deployment.stop()
            if !keep { try? FileManager.default.removeItem(atPath: folder) }
        }
        print("four processes up (logs in \(folder)); workers per connection: \(workers); entity history \(history); Jira flavour: \(flavor); "
              + "tracker latency \(trackerLatency) ms; nodes sign in as "
              + (sharedAccount ? "the people's account" : "their own integration user"))
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
        print("tracker requests per synced change (Jira \(flavor)): \(fixed(throughput.requestsPerChange, 2)) per ServiceNow write, "
              + "\(fixed(Double(throughput.jiraRequests + throughput.serviceNowRequests - throughput.edits) / Double(max(1, throughput.edits)), 2)) per Jira edit "
              + "(Jira \(throughput.jiraRequests), ServiceNow \(throughput.serviceNowRequests), of which the load's own Jira edits \(throughput.edits))"
              + (sharedAccount ? "; people and nodes share each simulator's one account here, so green reads the incident again for the webhook "
                                 + "of each of its own writes, which its own integration user spares" : ""))
        print("of which trigger.query checks: \(throughput.scopeRequests) = "
              + "\(fixed(Double(throughput.scopeRequests) / Double(max(1, throughput.synced)), 3)) per synced change "
              + "(linked issues are not checked); the first replicas of the \(entities) issues made \(firstReplicaChecks) before the load")

        let oneSidedWrites = Double(throughput.synced) / (Double(seconds) + throughput.catchUp)
        print("distinct entity writes, one-sided: \(fixed(oneSidedWrites, 1)) ServiceNow writes/s by the node "
              + "(\(throughput.synced) writes over the load and its catch-up; each carries every edit queued for its entity)")

        let cpuBefore = deployment.cpuSeconds
        let both = try load.twoSidedThroughput(entities: entities, seconds: seconds, threads: threads, rate: rate)
        let cpuAfter = deployment.cpuSeconds
        let twoSidedWrites = Double(both.nodeWrites) / (Double(seconds) + both.catchUp)
        print("distinct entity writes, two-sided: \(both.changes) edits and comments offered at \(rate)/s in both trackers over \(seconds) s, "
              + "all synced \(fixed(both.catchUp, 2)) s after the load stopped = \(fixed(twoSidedWrites, 1)) tracker writes/s by the nodes "
              + "(\(both.nodeWrites) writes to Jira and ServiceNow)")
        let perWrite = { (seconds: Double) in fixed(seconds * 1000 / Double(max(1, both.nodeWrites)), 2) }
        print("CPU per distinct write, two-sided: both nodes \(perWrite(cpuAfter.nodes - cpuBefore.nodes)) ms, "
              + "both simulators \(perWrite(cpuAfter.simulators - cpuBefore.simulators)) ms (serving the people's changes too)")

        if drain > 0 {
            let drained = try load.drain(changes: drain, restart: { try deployment.startNode("green") })
            print("drain: \(drained.queued) changes queued during a peer outage, drained in \(fixed(drained.seconds, 2)) s "
                  + "(\(fixed(Double(drained.queued) / max(drained.seconds, 0.001), 0)) changes/s)")
        }
        for (name, process) in [("blue", deployment.blue!), ("green", deployment.green!)] {
            let rss = SyncDeployment.peakRSS(of: process.processIdentifier).map { fixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "?"
            print("peak RSS of node \(name): \(rss)")
        }
        for name in ["blue", "green"] {
            let footprint = try HistoryFootprint.measure(storePath: folder + "/data/" + name + "/tandem.db")
            print("entity history of node \(name): \(footprint.events) events, \(footprint.bytes) bytes "
                  + "(\(fixed(footprint.bytesPerEvent, 1)) bytes per event, table and indexes)")
        }

        // The trackers' own ceiling, with both nodes stopped so only this load writes.
        deployment.blue.stop()
        deployment.green.stop()
        let ceilingCPU = deployment.cpuSeconds.simulators
        let ceiling = try load.writeCeiling(seconds: Double(ceilingSeconds), threads: threads, entities: entities)
        let ceilingWrites = (ceiling.jira + ceiling.serviceNow) * Double(ceilingSeconds)
        print("simulator write ceiling (\(threads) threads, \(ceilingSeconds) s, \(entities) records each, nodes stopped): ServiceNow \(fixed(ceiling.serviceNow, 0)) PATCH/s, "
              + "Jira \(fixed(ceiling.jira, 0)) PUT/s; simulator CPU \(fixed((deployment.cpuSeconds.simulators - ceilingCPU) * 1000 / max(1, ceilingWrites), 2)) ms per write")
        print("ratio to the ceiling: one-sided \(fixed(100 * oneSidedWrites / max(ceiling.serviceNow, 1), 1))% of ServiceNow's, "
              + "two-sided \(fixed(100 * twoSidedWrites / max(min(ceiling.serviceNow, ceiling.jira), 1), 1))% of the slower tracker's")
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
