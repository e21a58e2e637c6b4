import TandemCLI
import TrackerSim
#if canImport(Glibc)
import Glibc
#endif

/// `tandem sim jira`: a Jira REST API v2 simulator until SIGTERM/SIGINT.
struct SimJiraCommand: Command {
    static let path = ["sim", "jira"]
    static let summary = "run a Jira (REST API v2) simulator on a loopback port"
    static let help = """
        Usage: tandem sim jira --port N --user NAME --password SECRET [--project KEY]
                               [--flavor datacenter|cloud] [--hide-emails] [--no-create-labels]
                               [--search-lag-ms N]
                               [--account NAME:SECRET]...
                               [--data FILE] [--webhook URL]... [--webhook-secret S]
                               [--rate-limit N] [--fail-rate F] [--latency-ms N]
                               [--max-attachment-bytes N]
                               [--tls-cert FILE --tls-key FILE]

        Serves the Jira REST API v2 subset in docs/simulators.md on 127.0.0.1 and
        prints one line 'listening on http://127.0.0.1:PORT' when ready. Stops
        cleanly on SIGTERM or SIGINT (exit 0).

        Options:
          --port N            port to listen on; 0 picks a free one
          --user NAME         the account (Basic NAME:SECRET, or Bearer SECRET)
          --password SECRET   its password
          --project KEY       the project key (default SUP): Task and Bug,
                              workflow To Do -> In Progress -> Done
          --flavor F          datacenter (default): /search with offsets, users
                              by name; cloud: /search answers 410 (use
                              /search/jql), username= answers 400, users are
                              accountIds, attachment content answers 303
          --hide-emails       cloud: leave users' emailAddress out (profile
                              visibility), so only accountIds identify them
          --no-create-labels  refuse creates that set labels (400), as a
                              project whose create screen lacks them
          --search-lag-ms N   cloud: /search/jql leaves out issues changed in the
                              last N ms unless named in reconcileIssues (Cloud's
                              search is eventually consistent)
          --data FILE         keep the data in this SQLite file across restarts
                              (default: in memory)
          --webhook URL       POST every webhook event to URL (repeatable)
          --webhook-secret S  sign deliveries: X-Hub-Signature: sha256=<hmac>
        \(SimCommandOptions.sharedHelp(maxAttachmentBytes: 10485760))

        Fault injection and request counters are also at /_sim/faults and
        /_sim/stats (see docs/simulators.md); the counters include the calls
        Cloud refuses (legacySearches, usernameLookups) in both flavours.

        Example:
          tandem sim jira --port 8081 --user sync --password s3cret --project SUP
          tandem sim jira --port 8081 --user sync@example.com --password token --flavor cloud
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        var configuration = JiraSimulatorConfiguration()
        try SimCommandOptions.parse(&arguments, into: &configuration)
        if let key = try arguments.option("--project") {
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber }), key.first?.isLetter == true else {
                throw CommandError.usage("--project takes a key of letters and digits starting with a letter, like SUP, not '\(key)'")
            }
            configuration.projectKey = key.uppercased()
        }
        if let flavor = try arguments.option("--flavor") {
            guard let parsed = JiraSimulatorConfiguration.Flavor(rawValue: flavor) else {
                throw CommandError.usage("--flavor takes datacenter or cloud, not '\(flavor)'")
            }
            configuration.flavor = parsed
        }
        configuration.hideEmails = arguments.flag("--hide-emails")
        if configuration.hideEmails && configuration.flavor != .cloud {
            throw CommandError.usage("--hide-emails needs --flavor cloud (Data Center always shows e-mails)")
        }
        configuration.labelsOnCreateScreen = !arguments.flag("--no-create-labels")
        if let lag = try arguments.intOption("--search-lag-ms", in: 0...3_600_000) {
            guard configuration.flavor == .cloud else { throw CommandError.usage("--search-lag-ms needs --flavor cloud") }
            configuration.searchLagMilliseconds = lag
        }
        return try SimCommandOptions.run(&arguments, dataPath: configuration.dataPath, tls: configuration.tls != nil,
                                         open: { try JiraSimulator(configuration: configuration) }, start: { try $0.start() }, stop: { $0.stop() })
    }
}
