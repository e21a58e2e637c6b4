import Foundation
import NodeHost
import TandemCLI

/// `tandem config check`: every problem of a node configuration at once.
struct ConfigCheckCommand: Command {
    static let path = ["config", "check"]
    static let summary = "check a node configuration: keys, variables, scripts, plugins, tracker, peer"
    static let help = """
        Usage: tandem config check --config FILE [--offline] [--peer]

        Reports every problem at once, not just the first:
          - the file: JSON, unknown keys (a typo is an error), bad values, and
            every `${NAME}` whose environment variable is not set
          - the scripts: each parses, and every name it reads is bound by the
            node or defined in it (a misspelled `priortyMap` is reported at its
            file:line:column with the source line)
          - the plugins: each instance's plugin loads from pluginsDir (or why
            not) and accepts its config
          - the trackers: each connection's trigger query runs once with the
            instance's credentials (reachable, credentials accepted, query
            valid); --offline skips this
          - with --peer, each connection's peer node answers a signed hello:
            whether it knows the connection, holds the same secret and speaks
            a compatible protocol

        `tandem run` makes the same checks of the file, scripts and plugins
        before it starts, and logs the tracker and peer checks once started.

        Exit status: 0 no problem; 3 a problem in the configuration, its
        scripts or plugins; 4 the configuration is valid but a tracker or peer
        did not answer as it must; 2 usage error.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let path = try arguments.option("--config") ?? ProcessInfo.processInfo.environment["TANDEM_CONFIG"] else {
            throw CommandError.usage("missing --config FILE (or set TANDEM_CONFIG)")
        }
        let offline = arguments.flag("--offline")
        let peer = arguments.flag("--peer")
        try arguments.finish()
        let report = ConfigCheck(path: path).run(trackers: !offline, peers: peer)
        for line in report.passed { print("ok  \(line)") }
        for problem in report.problems {
            let lines = problem.message.split(separator: "\n", omittingEmptySubsequences: false)
            print("✗   " + (lines.first.map(String.init) ?? ""))
            for line in lines.dropFirst() { print("    " + line) }
        }
        if report.problems.isEmpty {
            print("\(path): no problems found")
            return .success
        }
        print("\(path): \(report.problems.count) problem(s)")
        return report.configProblems.isEmpty ? .checkFailed : .configError
    }
}
