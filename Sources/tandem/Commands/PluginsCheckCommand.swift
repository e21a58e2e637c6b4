import Foundation
import TandemCLI
import TandemJSON

/// `tandem plugins check`: the conformance suite for one connector plugin.
struct PluginsCheckCommand: Command {
    static let path = ["plugins", "check"]
    static let summary = "run the conformance checks against a plugin and a live tracker"
    static let help = """
        Usage: tandem plugins check PLUGIN.so --config CONFIG.json [--only CHECK,...] [--json]

        Loads PLUGIN.so the way the node does, creates instances from CONFIG.json
        (the instance configuration, e.g. {"baseUrl", "auth", "project"}), and runs
        each check in its own child process against the live tracker the config
        points to (start a simulator with `tandem sim jira|servicenow`). A plugin
        that crashes fails that check, naming the signal; the checker goes on.
        Every output is validated against the operation's JSON Schema (the
        connector contract, docs/connector-guide.md); a failure says what was
        expected and what came instead.

        Checks (skipped, with the reason, when the plugin does not declare what
        they need, so a connector is judged on what it claims):
        \(ConformanceCheck.allCases.map { "  \($0.rawValue.padding(toLength: 21, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))

        CONFIG.json may also hold a member "conformance", removed before the
        plugin sees the config: {"createFields": {...}, "updateFields": {...},
        "searchQuery": "...", "unknownId": "..."} (defaults: a summary, or
        short_description for servicenow-like; "" ; "999999999").
        {"secret": NAME} values are read from the environment variable NAME.

        Options:
          --config FILE  the instance configuration (required)
          --only CHECKS  run only these checks (comma-separated names from the list above)
          --json         print a JSON array of {"name","status","reason"}
                         instead of one line per check (PASS name / FAIL name: reason /
                         SKIP name: reason)

        Exit status: 0 when no check failed, 1 when one did, 2 when the plugin
        file or the config cannot be used.

        Example:
          tandem sim jira --port 8081 --user sync --password s3cret &
          tandem plugins check plugins.d/libJiraLike.so --config jira-check.json
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let pluginPath = arguments.positional() else {
            throw CommandError.usage("missing PLUGIN.so (the plugin file to check)")
        }
        guard let configPath = try arguments.option("--config") else {
            throw CommandError.usage("missing --config CONFIG.json (the instance configuration)")
        }
        let json = arguments.flag("--json")
        let child = try arguments.option("--child")
        var checks = ConformanceCheck.allCases
        if let only = try arguments.option("--only") {
            checks = []
            for name in only.split(separator: ",").map(String.init) {
                guard let check = ConformanceCheck(rawValue: name) else {
                    throw CommandError.usage("unknown check '\(name)' in --only; the checks are \(ConformanceCheck.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                checks.append(check)
            }
        }
        try arguments.finish()
        let setup: ConformanceSetup
        do { setup = try ConformanceSetup.read(pluginPath: pluginPath, configPath: configPath) } catch {
            throw CommandError(error.description, exitCode: .validationFailure)
        }
        if let child {
            // Child mode (not in --help): one check, one JSON line.
            guard let check = ConformanceCheck(rawValue: child) else { throw CommandError.usage("unknown check '\(child)'") }
            let outcome = ConformanceChild.run(check, setup: setup)
            print(JSON.object(["status": .string(outcome.status.rawValue), "reason": .string(outcome.reason)]).text)
            return .success
        }
        let suite = ConformanceSuite(pluginPath: pluginPath, configPath: configPath)
        let outcomes = suite.run(checks) { outcome in
            if !json {
                print(outcome.line)
                fflush(nil)
            }
        }
        if json { print(JSON.array(outcomes.map(\.json)).text) }
        return outcomes.contains { $0.status == .fail } ? .failure : .success
    }
}
