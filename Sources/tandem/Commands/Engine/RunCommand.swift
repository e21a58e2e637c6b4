import Foundation
import NodeHost
import TandemCLI
import TandemThreads

/// `tandem run --config FILE`: runs a node until SIGTERM or SIGINT.
struct RunCommand: Command {
    static let path = ["run"]
    static let summary = "run a sync node from its configuration file"
    static let help = """
        Usage: tandem run --config FILE [--log-level debug|info|warn|error] [--new-store]

        Starts a node: opens its store (dataDir), loads the plugins its
        connections use from pluginsDir, parses their scripts, and serves
        webhooks, peer messages and the admin API on node.listen. Prints
        `listening on http://HOST:PORT` when ready. Logs go to stderr, one JSON
        object per line. SIGTERM or SIGINT stops the node within about a second
        and exits 0: a step still waiting on a tracker or the peer by then is
        abandoned, its work left queued in the store (every step commits
        atomically; 8 s at most whatever else hangs); a restarted node carries
        on from its store.
        SIGHUP (or `tandem reload`) applies a changed configuration and new
        plugin files without a restart.

        The node refuses to start on a missing or empty tandem.db when its data
        folder shows it held a store (the `store-id` file), on a damaged store
        (SQLite's quick_check), on a data folder it cannot write, and when
        another node holds the folder. --new-store begins a new, empty store
        anyway; then run `tandem recover --connection NAME` for each
        connection (docs/operations.md, Recovery).

        Exit codes: 0 stopped on SIGTERM/SIGINT; 1 could not start (the
        message says why and what to do); 2 bad configuration or options.

        `${NAME}` in any string of the file is replaced by the environment
        variable NAME; a missing one stops the start with its JSON path.
        Example: examples/jira-servicenow/ (see its README).

        Before starting it checks the file, the scripts and the plugins like
        `tandem config check` and reports every problem at once (exit 3);
        once started it logs whether each tracker accepts the connection's
        query and credentials and whether each peer knows the connection.
        """

    /// Inside systemd's default 90 s and the 10 s a container runtime gives before SIGKILL.
    static let stopSeconds = 8.0

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let path = try arguments.option("--config") else { throw CommandError.usage("missing --config FILE") }
        let levelName = try arguments.option("--log-level") ?? "info"
        let newStore = arguments.flag("--new-store")
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
        node.allowNewStore = newStore
        node.configurationSource = { () throws(ConfigError) -> NodeConfig in try NodeConfig.load(path: path) }
        let port: Int
        do { port = try node.start() } catch {
            throw CommandError("cannot start: \(error)")
        }
        // After start: a reload needs a running node.
        HangupSignal.install {
            do throws(NodeReloadError) { _ = try node.reload() } catch { node.logger.warn("reload refused: \(error)") }
        }
        printNow("listening on \(config.node.tls == nil ? "http" : "https")://\(config.node.host):\(port)")
        logOutsideChecks(check, node.logger)
        TerminationSignal.wait()
        // A plugin call that never returns must not keep the node from
        // stopping: what it was doing stays queued in the store.
        _ = node.stop(within: Self.stopSeconds)
        // Threads left inside a plugin or tracker call may still be using
        // libcrypto, whose exit handlers free its state under them: leave
        // without running exit handlers (everything is committed to the store).
        fflush(nil)
        _exit(ExitCode.success.rawValue)
    }

    /// The tracker and peer checks, logged once: a tracker or peer that is
    /// down does not stop the node (it queues until they are back).
    private static func logOutsideChecks(_ check: ConfigCheck, _ logger: Logger) {
        let started = WorkerThread.start(name: "tandem.checks", detached: true) {
            let report = check.run(trackers: true, peers: true)
            for problem in report.problems where problem.kind == .outside { logger.warn("start-up check: \(problem.message)") }
            for line in report.passed where line.hasPrefix("connection ") { logger.info("start-up check: \(line)") }
        }
        if started == nil { logger.warn("start-up check skipped: the system refused a thread for it") }
    }
}
