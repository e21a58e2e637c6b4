import TandemCLI
import TrackerSim

/// `tandem sim servicenow`: a ServiceNow Table/Attachment API simulator until SIGTERM/SIGINT.
struct SimServiceNowCommand: Command {
    static let path = ["sim", "servicenow"]
    static let summary = "run a ServiceNow (Table and Attachment API) simulator on a loopback port"
    static let help = """
        Usage: tandem sim servicenow --port N --user NAME --password SECRET
                                     [--account NAME:SECRET]...
                                     [--data FILE] [--webhook URL]... [--webhook-secret S]
                                     [--rate-limit N] [--fail-rate F] [--latency-ms N]
                                     [--max-attachment-bytes N]
                                     [--acl-hide TEXT] [--deny-journal-read]
                                     [--oauth-client ID:SECRET] [--oauth-token-seconds N]
                                     [--tls-cert FILE --tls-key FILE]

        Serves the Table API (incident, sys_user, sys_journal_field) and the
        Attachment API as in docs/simulators.md on 127.0.0.1 and prints one line
        'listening on http://127.0.0.1:PORT' when ready. The user exists in
        sys_user. Stops cleanly on SIGTERM or SIGINT (exit 0).

        Options:
          --port N            port to listen on; 0 picks a free one
          --user NAME         the account (Basic auth)
          --password SECRET   its password
          --data FILE         keep the data in this SQLite file across restarts
          --webhook URL       POST Tandem's change notification for every incident
                              insert/update/delete to URL (repeatable)
          --webhook-secret S  sign deliveries: X-Tandem-Signature: sha256=<hmac>
        \(SimCommandOptions.sharedHelp(maxAttachmentBytes: 33554432))
          --acl-hide TEXT     an ACL hides records whose short_description contains
                              TEXT; sysparm_limit applies before it, so pages come
                              back short in the middle of a result, as on a real instance
          --deny-journal-read answer 403 to reads of sys_journal_field, as for a
                              user without the role to read comments and work notes
          --oauth-client ID:SECRET
                              serve POST /oauth_token.do for this OAuth client
                              (password grant with the account, or client
                              credentials); its tokens work as Bearer
          --oauth-token-seconds N
                              lifetime of those tokens (default 1800)

        Example:
          tandem sim servicenow --port 8082 --user admin --password s3cret
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        var configuration = ServiceNowSimulatorConfiguration()
        try SimCommandOptions.parse(&arguments, into: &configuration)
        if let marker = try arguments.option("--acl-hide") {
            guard !marker.isEmpty else { throw CommandError.usage("--acl-hide takes a non-empty text, like [restricted]") }
            configuration.aclHiddenMarker = marker
        }
        configuration.journalReadable = !arguments.flag("--deny-journal-read")
        if let client = try arguments.option("--oauth-client") {
            let parts = client.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw CommandError.usage("--oauth-client takes ID:SECRET, like tandem:s3cret")
            }
            configuration.oauthClient = (id: parts[0], secret: parts[1])
        }
        if let seconds = try arguments.intOption("--oauth-token-seconds", in: 1...86_400) { configuration.oauthTokenSeconds = seconds }
        return try SimCommandOptions.run(&arguments, dataPath: configuration.dataPath, tls: configuration.tls != nil,
                                         open: { try ServiceNowSimulator(configuration: configuration) }, start: { try $0.start() }, stop: { $0.stop() })
    }
}
