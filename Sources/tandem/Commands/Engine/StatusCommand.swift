import Foundation
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem status`: how each connection of a running node is doing.
struct StatusCommand: Command {
    static let path = ["status"]
    static let summary = "show each connection of a running node: state, queues, errors, last sync"
    static let help = """
        Usage: tandem status --config FILE [--json]

        Asks the running node (found through its configuration file) for one
        row per connection:
          STATE     active, paused (`tandem connections pause`) or disabled
          PENDING   changes noticed locally, not yet turned into replicas
          OUTBOX    replicas waiting to be sent to (or acknowledged by) the peer
          INBOX     replicas received from the peer, not yet applied
          OLDEST    age of the oldest waiting item, in seconds
          PARKED    open parked errors (`tandem errors list` shows them)
          LAST SYNC when a replica was last applied or acknowledged (UTC)

        Options:
          --config FILE   the node's configuration (default: $TANDEM_CONFIG)
          --json          print the node's answer as JSON: {"connections": [{"name",
                          "instance", "plugin", "enabled", "paused", "pending",
                          "outbox", "inbox", "oldestPendingSeconds", "parked",
                          "twins", "lastSync"}]}
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let answer = try AdminClient.answer("GET", "/admin/v1/status", &arguments) else { return .success }
        let connections = answer["connections"]?.arrayValue ?? []
        guard !connections.isEmpty else {
            print("the node has no connections")
            return .success
        }
        print(Table(header: ["CONNECTION", "INSTANCE", "PLUGIN", "STATE", "PENDING", "OUTBOX", "INBOX", "OLDEST", "PARKED", "TWINS", "LAST SYNC"],
                    rows: connections.map(row)).rendered)
        return .success
    }

    private static func row(_ connection: JSON) -> [String] {
        let state = connection["enabled"]?.boolValue == false ? "disabled"
            : connection["paused"]?.boolValue == true ? "paused" : "active"
        let oldest = connection["oldestPendingSeconds"]?.doubleValue.map { String(format: "%.1fs", $0) } ?? "-"
        func number(_ key: String) -> String { connection[key]?.intValue.map(String.init) ?? "?" }
        return [connection["name"]?.stringValue ?? "?", connection["instance"]?.stringValue ?? "?",
                connection["plugin"]?.stringValue ?? "?", state, number("pending"), number("outbox"), number("inbox"),
                oldest, number("parked"), number("twins"), connection["lastSync"]?.stringValue ?? "never"]
    }
}
