import Foundation
import LocalDeployment
import TandemCLI
import TandemJSON
import TandemAdminClient

/// `tandem-bench history`: a randomized history checker in the manner of
/// Jepsen. Four real processes; people on both trackers change the same
/// entities at once while nodes are paused, stopped and killed; once all is
/// quiet, `HistoryChecker`'s invariants must hold.
struct HistoryBenchmark: Command {
    static let path = ["history"]
    static let summary = "randomized two-sided history with pauses, outages and kills; checks nothing is lost or duplicated"
    static let help = """
        Usage: tandem-bench history [--pairs N] [--seconds S] [--rate OPS] [--seed X]
                                    [--kill-every MIN-MAX [--kill-simulators]] [--policies BLUE,GREEN]
                                    [--fields F,…] [--settle S] [--shared-account] [--keep-folder]

        Starts both simulators and both nodes from this build (after `make plugins`,
        or `make plugins CONFIG=release` for a release build) and:
          1. creates N pairs (default 20), half in Jira, half in ServiceNow, and
             waits until each is linked;
          2. for S seconds (default 30) makes OPS changes a second (default 40)
             through the trackers' REST APIs, as a person would: edits of summary,
             description, priority, status and assignee, comments, attachments and
             new entities, in both trackers; each node's connection is paused once
             and one node is stopped for a few seconds; with --kill-every 2-5, a
             random node is also killed (SIGKILL) and restarted every 2 to 5 s
             (with --kill-simulators, a simulator kept in a --data file may be
             the one killed; changes it refuses meanwhile count as uncertain);
          3. waits until both nodes' queues are empty and neither tracker changes
             for 5 s (at most --settle seconds, default 180), then checks:
             - every entity created on one side exists exactly once on the other;
             - every comment and attachment (SHA-256) exists exactly once on both;
             - mapped fields are equal on both sides and hold the last value
               written (edits made on one side only, or in turn);
             - no conflict is logged for a field only one side edited, nor for an
               edit made after the previous one showed on the other side.

        --fields limits the edits to some of summary, description, priority, status,
        assignee (default all). --seed X fixes the operation sequence (default: from the clock; printed).
        --policies sets each node's `conflicts` policy (default local-wins,remote-wins,
        as in examples/jira-servicenow). The nodes sign in as their own integration
        users, as in production, so a node tells its own writes from people's by
        their author; --shared-account has them use the people's account instead. Process logs go to a folder that is
        printed and kept when an invariant fails. Exits 1 when one does.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let pairCount = try arguments.intOption("--pairs", in: 1...2_000) ?? 20
        let seconds = try arguments.intOption("--seconds", in: 1...3_600) ?? 30
        let rate = try arguments.intOption("--rate", in: 1...5_000) ?? 40
        let seedText = try arguments.option("--seed")
        let killText = try arguments.option("--kill-every")
        let policyText = try arguments.option("--policies") ?? "local-wins,remote-wins"
        let settle = try arguments.intOption("--settle", in: 10...3_600) ?? 180
        let fieldText = try arguments.option("--fields")
        let killSimulators = arguments.flag("--kill-simulators")
        let keep = arguments.flag("--keep-folder")
        let sharedAccount = arguments.flag("--shared-account")
        try arguments.finish()

        let seed: UInt64
        if let seedText {
            guard let value = UInt64(seedText) else { throw CommandError.usage("--seed takes a non-negative integer, not '\(seedText)'") }
            seed = value
        } else {
            seed = UInt64(Date().timeIntervalSince1970 * 1000) % 1_000_000
        }
        let killEvery = try killText.map(parseRange)
        let policies = policyText.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let known = ["remote-wins", "local-wins", "newest-wins", "park"]
        guard killText != nil || !killSimulators else { throw CommandError.usage("--kill-simulators needs --kill-every MIN-MAX") }
        guard policies.count == 2, policies.allSatisfy(known.contains) else {
            throw CommandError.usage("--policies takes two of \(known.joined(separator: ", ")) separated by a comma (blue's, then green's)")
        }
        let build: LocalBuild
        do { build = try LocalBuild.locate(binaryFolder: LocalBuild.currentBinaryFolder) } catch {
            throw CommandError("\(error)", exitCode: .validationFailure)
        }

        let fields = try fieldText.map { text in
            try text.split(separator: ",").map { name in
                guard let field = HistoryField(rawValue: String(name)) else {
                    throw CommandError.usage("--fields takes names from \(HistoryField.allCases.map(\.rawValue).joined(separator: ",")), not '\(name)'")
                }
                return field
            }
        } ?? HistoryField.allCases
        let plan = HistoryPlan(seed: seed, pairs: pairCount, seconds: Double(seconds), rate: Double(rate), fields: fields)
        let replay = "tandem-bench history --pairs \(pairCount) --seconds \(seconds) --rate \(rate) --seed \(seed) --policies \(policyText)"
            + (killText.map { " --kill-every \($0)" } ?? "") + (fieldText.map { " --fields \($0)" } ?? "") + (killSimulators ? " --kill-simulators" : "")
            + (sharedAccount ? " --shared-account" : "")
        print("seed \(seed): \(plan.operations.count) operations on \(pairCount) pairs; replay with: \(replay)")

        let folder = NSTemporaryDirectory() + "/tandem-bench-history-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        var options = SyncDeployment.Options(webhooks: true, pollSeconds: 2)
        options.workers = 4
        options.dedicatedIntegrationUsers = !sharedAccount
        if killSimulators {
            // A killed simulator comes back on its port with its data.
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            options.fixedSimulatorPorts = true
            options.jiraFlags = ["--data", folder + "/jira-sim.sqlite"]
            options.serviceNowFlags = ["--data", folder + "/servicenow-sim.sqlite"]
        }
        options.editConfig = { node, config in
            config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? policies[0] : policies[1])
        }
        let deployment = try SyncDeployment(options, tandem: build.tandem, examples: build.examples, plugins: build.plugins, folder: folder)
        var failed = true
        defer {
            deployment.stop()
            if failed || keep { print("process logs kept in \(folder)") } else { try? FileManager.default.removeItem(atPath: folder) }
        }
        print("four processes up; policies blue \(policies[0]), green \(policies[1]); logs in \(folder)")

        let runner = HistoryRunner(deployment: deployment, plan: plan)
        try runner.createPairs(timeout: 120)
        print("\(pairCount) pairs linked; streaming \(rate) operations/s for \(seconds) s"
              + (killEvery.map { ", killing a node every \(fixed($0.lowerBound, 1))–\(fixed($0.upperBound, 1)) s" } ?? ""))
        runner.stream(killEvery: killEvery, simulatorsToo: killSimulators)
        let events = runner.log.all
        let failures = events.filter { if case .failed = $0.outcome { true } else { false } }
        print("stream done: \(events.count) operations, \(failures.count) failed at the tracker, \(runner.kills.count) kills"
              + (runner.kills.isEmpty ? "" : " (" + runner.kills.joined(separator: "; ") + ")"))

        let quiet = waitUntilQuiet(deployment, seconds: Double(settle))
        print(quiet.map { "quiet after \(fixed($0, 1)) s" } ?? "NOT quiet after \(settle) s; checking anyway")
        let checker = HistoryChecker(plan: plan, pairs: runner.pairs, events: events, trackers: runner.trackers,
                                     logs: ["blue": deployment.blue.stderr, "green": deployment.green.stderr])
        var violations = try checker.check()
        violations += parkedLanes(deployment)
        let counted = conflictsCounted(deployment)
        print("conflicts logged: \(checker.loggedConflicts.count) (counted since the nodes' last start: blue \(counted.blue), green \(counted.green))")
        try (["second 0 is \(runner.log.originText)"] + events.map(\.description)).joined(separator: "\n").write(toFile: folder + "/history.txt", atomically: true, encoding: .utf8)
        if violations.isEmpty {
            failed = false
            print("all invariants hold (seed \(seed))")
            return .success
        }
        let byInvariant = Dictionary(grouping: violations, by: \.invariant)
        print("\n\(violations.count) violations (seed \(seed); second 0 of the history is \(runner.log.originText)):")
        for (invariant, list) in byInvariant.sorted(by: { $0.key < $1.key }) {
            print("  \(list.count) × \(invariant)")
            for violation in list.prefix(20) { print("      \(violation.entity): \(violation.detail.prefix(300))") }
        }
        // The first of each kind in full: the shortest part of the history that shows it.
        for list in byInvariant.values.sorted(by: { $0[0].invariant < $1[0].invariant }) {
            let shortest = list.min { $0.events.count < $1.events.count }!
            print("\n" + shortest.description)
        }
        print("full history: \(folder)/history.txt; replay with: \(replay)")
        return .failure
    }

    /// "2-5" → 2...5 seconds.
    private static func parseRange(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: "-").compactMap { Double($0) }
        guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1] else {
            throw CommandError.usage("--kill-every takes MIN-MAX seconds, e.g. 2-5, not '\(text)'")
        }
        return parts[0]...parts[1]
    }

    /// Waits until neither simulator has written anything and neither node's
    /// queues have moved for 5 s, over two polls (a parked lane keeps its messages, so the
    /// queues need not be empty: parked lanes are reported by the checker);
    /// returns the seconds it took, or nil.
    private static func waitUntilQuiet(_ deployment: SyncDeployment, seconds: Double) -> Double? {
        let start = Date()
        var last: [Int] = []
        var stableSince = Date()
        while Date().timeIntervalSince(start) < seconds {
            var state = [(try? deployment.jira.writes()) ?? -1, (try? deployment.serviceNow.writes()) ?? -1]
            for admin in [deployment.blueAdmin, deployment.greenAdmin] {
                let depths = admin.depths()
                state += ["pending", "outbox", "inbox"].map { depths?[$0] ?? -1 }
            }
            if state != last || state.contains(-1) { last = state; stableSince = Date() }
            if Date().timeIntervalSince(stableSince) >= 5 { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return nil
    }

    /// Every parked lane is a violation: the run makes no change a tracker refuses.
    private static func parkedLanes(_ deployment: SyncDeployment) -> [HistoryChecker.Violation] {
        [("blue", deployment.blueAdmin), ("green", deployment.greenAdmin)].flatMap { node, admin in
            (admin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue ?? []).map { error in
                HistoryChecker.Violation(invariant: "nothing is parked once the run is quiet",
                                         entity: "\(error["entity"]?.stringValue ?? "?") on node \(node)",
                                         detail: error["reason"]?.stringValue ?? error.text, events: [], logLines: [])
            }
        }
    }

    /// `tandem_conflicts_total` of each node, summed over policies.
    private static func conflictsCounted(_ deployment: SyncDeployment) -> (blue: Int, green: Int) {
        // -1: the node did not answer (it may be down between kills).
        let count = { (node: BackgroundProcess) in (try? node.metricSum("tandem_conflicts_total")).map { Int($0) } ?? -1 }
        return (count(deployment.blue), count(deployment.green))
    }
}
