import Foundation
import LocalDeployment
import TandemCLI
import TandemJSON
import TrackerSim

/// `tandem demo`: Jira and ServiceNow kept in step by two nodes, end to end,
/// on this machine, in well under a minute.
struct DemoCommand: Command {
    static let path = ["demo"]
    static let summary = "run the end-to-end demo: two simulated trackers, two nodes, one scenario"
    static let help = """
        Usage: tandem demo [--keep]

        Starts four processes on free loopback ports, all from this `tandem`
        binary: a Jira simulator, a ServiceNow simulator, node blue (Jira side)
        and node green (ServiceNow side), configured from
        examples/jira-servicenow/ (its configs and its four scripts), with
        webhooks on. Then it plays a scenario as two people would: create an
        issue in Jira, edit it, comment in Jira, comment in ServiceNow, attach
        a file on each side (it must arrive with the same SHA-256), change the
        status on each side, assign by email, change the priority, and make
        one deliberate conflict: with the connection paused, the summary is
        edited on both sides, then the connection resumes and the nodes'
        `conflicts` policies keep Jira's edit on both (blue.json, the Jira
        side, says local-wins and green.json remote-wins, as in the example
        configs). After each action it reads the other tracker through
        its REST API until the change is there, and prints the step, where it
        landed (for the conflict: which edit won, under which policies) and
        how many milliseconds that took.

        Exit status: 0 when every step held, 1 when one did not (the nodes'
        logs are kept and their paths printed), 2 on a usage error.

        Options:
          --keep   leave the four processes running after the scenario and
                   print their URLs (each node's console, logged in through
                   the token in the URL's fragment; simulator APIs; /healthz,
                   /metrics and admin status) until Ctrl-C

        Needs the connector libraries: run it as `make demo`, which builds
        them first, or after `make plugins`.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let keep = arguments.flag("--keep")
        try arguments.finish()
        let located: LocalBuild
        do { located = try LocalBuild.locate(binaryFolder: LocalBuild.currentBinaryFolder) } catch {
            throw CommandError("\(error)", exitCode: .validationFailure)
        }
        let folder = FileManager.default.temporaryDirectory.path + "/tandem-demo-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)

        printNow("Tandem demo: Jira ⇄ ServiceNow through two sync nodes")
        printNow("  configs and scripts: \(located.examples)")
        let started = Date()
        let deployment: SyncDeployment
        do {
            var options = SyncDeployment.Options(webhooks: true, pollSeconds: 10)
            options.workers = 2
            options.editConfig = DemoScenario.conflictPolicies
            deployment = try SyncDeployment(options, tandem: located.tandem, examples: located.examples,
                                            plugins: located.plugins, folder: folder)
        } catch {
            throw CommandError("cannot start the four processes: \(error)\n(files and logs are in \(folder))")
        }
        printNow(String(format: "  started Jira simulator, ServiceNow simulator, node blue, node green in %.1f s", Date().timeIntervalSince(started)))
        printNow("")

        let nodes = DemoNodes(deployment)
        let scenario = DemoScenario(jira: deployment.jira, serviceNow: deployment.serviceNow, nodes: nodes)
        let outcomes: [DemoOutcome]
        do {
            try scenario.prepare()
            outcomes = DemoTimeline(settle: { nodes.waitUntilIdle() }).play(scenario.steps)
        } catch {
            deployment.stop()
            throw CommandError("cannot prepare the scenario: \(error)\n(logs are in \(folder))")
        }
        let held = outcomes.allSatisfy(\.held)
        printNow("")
        printNow(summary(outcomes))

        if keep {
            printNow("")
            printNow(urls(deployment))
            TerminationSignal.install()
            printNow("Everything keeps running; press Ctrl-C to stop.")
            TerminationSignal.wait()
            printNow("stopping…")
        }
        deployment.stop()
        if held && !keep {
            try? FileManager.default.removeItem(atPath: folder)
        } else if !held {
            printNow("logs: \(deployment.blue.stderrPath)\n      \(deployment.green.stderrPath)")
        }
        return held ? .success : .failure
    }

    private static func summary(_ outcomes: [DemoOutcome]) -> String {
        let times = outcomes.compactMap(\.milliseconds).sorted()
        let failed = outcomes.count - times.count
        guard failed == 0, let last = times.last else {
            return "✗ \(failed) of \(outcomes.count) steps did not hold."
        }
        let median = times[times.count / 2]
        return "✓ all \(outcomes.count) steps held; per step median \(median) ms, slowest \(last) ms."
    }

    /// What an operator needs to look at the running demo; writes the
    /// nodes' environment to `demo.env` so the operator commands can read
    /// the same configuration files.
    private static func urls(_ deployment: SyncDeployment) -> String {
        let envFile = deployment.folder + "/demo.env"
        let environment = deployment.environment.sorted { $0.key < $1.key }.map { "export \($0.key)='\($0.value)'" }
        try? (environment.joined(separator: "\n") + "\n").write(toFile: envFile, atomically: true, encoding: .utf8)
        func node(_ name: String, _ process: BackgroundProcess) -> String {
            let url = process.url
            return """
                  node \(name) (\(name == "blue" ? "Jira" : "ServiceNow") side)
                    console  \(url)/ui/#token=\(deployment.adminToken)
                    \(url)/healthz   \(url)/readyz   \(url)/metrics
                    curl -H 'Authorization: Bearer \(deployment.adminToken)' \(url)/admin/v1/status
                    tandem status --config \(deployment.folder)/\(name).json
                """
        }
        return """
            Running:
              Jira simulator        \(deployment.jiraSim.url)/rest/api/2/search?jql=project%3DSUP   (user sync, password jira-pw)
              ServiceNow simulator  \(deployment.serviceNowSim.url)/api/now/table/incident   (user admin, password snow-pw)
            \(node("blue", deployment.blue))
            \(node("green", deployment.green))
              files and logs        \(deployment.folder)
            Before the operator commands (tandem status, connections, errors, plugins list),
            load the nodes' environment:  . \(envFile)
            """
    }
}
