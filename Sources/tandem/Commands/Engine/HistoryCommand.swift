import Foundation
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem history KEY`: an entity's sync history on a running node.
struct HistoryCommand: Command {
    static let path = ["history"]
    static let summary = "show an entity's sync history: noticed, sent, applied, conflicts, errors"
    static let help = """
        Usage: tandem history KEY --config FILE [--connection NAME] [--limit N] [--json]

        Prints, oldest first, what the running node did with one entity on each
        connection that knows it: change noticed (webhook, poll, manual),
        replica built (seq, fields changed), delivered, received, applied
        (fields written, comments and attachments added), skipped as an echo,
        conflicts (field, both values, policy, which value was kept), parked,
        retried, resolved, the peer's acks, the link (requested, delivered,
        received, created on one side, answered, unsynced), and transient
        retries (reason, attempts, next attempt: one line per run of retries).
        TX names one exchange on both nodes, as in the logs (10001#3: replica 3
        of entity 10001 and its ack; 10001#link1: a link request and its
        answer): run the same command against the peer's node to see the
        other half.

        KEY is a key or id of either side (SUP-12, INC0010001, a sys_id).
        The node keeps node.history.maxEventsPerEntity events per entity
        (default 200) for node.history.maxAgeDays (default 30).

        Options:
          --config FILE       the node's configuration (default: $TANDEM_CONFIG)
          --connection NAME   only this connection
          --limit N           the newest N events (default 200)
          --json              the node's answer as JSON
        Exit status: 0 found, 1 no connection knows KEY or the node cannot be reached,
        2 usage error.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        let connection = try arguments.option("--connection")
        let limit = try arguments.option("--limit") ?? "200"
        let json = arguments.flag("--json")
        let key = try arguments.requiredPositional("entity KEY (a key or id of either side)")
        try arguments.finish()
        guard let number = Int(limit), number > 0 else { throw CommandError.usage("--limit takes a positive number, not '\(limit)'") }
        var query = "/admin/v1/history?key=" + percentEncoded(key) + "&limit=\(number)"
        if let connection { query += "&connection=" + percentEncoded(connection) }
        let answer = try client.send("GET", query)
        if json {
            print(answer.text)
            return .success
        }
        for entity in answer["entities"]?.arrayValue ?? [] {
            print(header(entity))
            let events = entity["events"]?.arrayValue ?? []
            if events.isEmpty {
                print("  no events recorded (history off, or pruned)")
            } else {
                print(Table(header: ["TIME", "EVENT", "TX", "WHAT"], rows: events.map { event in
                    [event["at"]?.stringValue ?? "", event["kind"]?.stringValue ?? "", event["tx"]?.stringValue ?? "-",
                     event["summary"]?.stringValue ?? ""]
                }).rendered)
            }
            for error in entity["errors"]?.arrayValue ?? [] {
                print("  open error #\(error["id"]?.text ?? "?") (\(error["stage"]?.stringValue ?? "")): `tandem errors retry \(error["id"]?.text ?? "?")` after fixing the cause")
            }
            print("")
        }
        return .success
    }

    private static func header(_ entity: JSON) -> String {
        let name = entity["connection"]?.stringValue ?? "?"
        guard let twin = entity["twin"], !twin.isNull else { return "\(name): not linked yet" }
        func side(_ side: JSON?) -> String {
            let key = side?["key"]?.stringValue ?? side?["id"]?.stringValue ?? "?"
            return side?["id"]?.stringValue.map { $0 == key ? key : "\(key) (\($0))" } ?? key
        }
        let last = twin["lastSyncedAt"]?.stringValue ?? "never"
        return "\(name): \(side(twin["local"])) ⇄ \(side(twin["remote"]))  \(twin["status"]?.stringValue ?? "")  last sync \(last)"
    }

    private static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
