import Foundation
import NodeHost
import TandemCLI
import TrackerSim

/// `tandem run --config FILE`: runs a node until SIGTERM or SIGINT.
struct RunCommand: Command {
    static let path = ["run"]
    static let summary = "run a sync node from its configuration file"
    static let help = """
        Usage: tandem run --config FILE [--log-level debug|info|warn|error]

        Starts a node: opens its store (dataDir), loads the plugins its
        connections use from pluginsDir, parses their scripts, and serves
        webhooks, peer messages and the admin API on node.listen. Prints
        `listening on http://HOST:PORT` when ready. Logs go to stderr, one JSON
        object per line. SIGTERM or SIGINT finishes the work in hand and exits 0;
        a restarted node carries on from its store.

        `${NAME}` in any string of the file is replaced by the environment
        variable NAME; a missing one stops the start with its JSON path.
        Example: examples/jira-servicenow/ (see its README).

        Before starting it checks the file, the scripts and the plugins like
        `tandem config check` and reports every problem at once (exit 3);
        once started it logs whether each tracker accepts the connection's
        query and credentials and whether each peer knows the connection.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let path = try arguments.option("--config") else { throw CommandError.usage("missing --config FILE") }
        let levelName = try arguments.option("--log-level") ?? "info"
        try arguments.finish()
        guard let level = Logger.Level(rawValue: levelName) else {
            throw CommandError.usage("--log-level takes debug, info, warn or error, not '\(levelName)'")
        }
        // Every problem of the file, its scripts and plugins at once (as `tandem config check --offline`).
        let check = ConfigCheck(path: path)
        let report = check.run(trackers: false, peers: false)
        guard let config = report.config, report.problems.isEmpty else {
            throw CommandError("configuration \(path) has \(report.problems.count) problem(s):\n"
                               + report.problems.map { "  " + $0.message.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n"),
                               exitCode: .configError)
        }
        // Before anything can announce readiness: a SIGTERM sent right after
        // `listening on` must not find the default or an ignoring handler.
        TerminationSignal.install()
        let node = Node(config: config, logger: Logger(node: config.node.name, minimum: level))
        let port: Int
        do { port = try node.start() } catch {
            throw CommandError("cannot start: \(error)")
        }
        printNow("listening on http://\(config.node.host):\(port)")
        logOutsideChecks(check, node.logger)
        TerminationSignal.wait()
        node.stop()
        return .success
    }

    /// The tracker and peer checks, logged once: a tracker or peer that is
    /// down does not stop the node (it queues until they are back).
    private static func logOutsideChecks(_ check: ConfigCheck, _ logger: Logger) {
        let thread = Thread {
            let report = check.run(trackers: true, peers: true)
            for problem in report.problems where problem.kind == .outside { logger.warn("start-up check: \(problem.message)") }
            for line in report.passed where line.hasPrefix("connection ") { logger.info("start-up check: \(line)") }
        }
        thread.start()
    }
}
