import Foundation
import TandemCLI
import TandemJSON

/// `tandem connections pause NAME`: holds back what a connection sends.
struct ConnectionsPauseCommand: Command {
    static let path = ["connections", "pause"]
    static let summary = "pause a connection of a running node (it keeps queueing)"
    static let help = """
        Usage: tandem connections pause NAME --config FILE

        Pauses connection NAME: the node keeps noticing local changes, building
        their replicas and queueing them in order in its outbox, but sends
        nothing to the peer until `tandem connections resume NAME`, which
        delivers the queue in order. Replicas that arrive from the peer are
        still applied. `tandem status` shows the connection as paused and its
        OUTBOX growing. A pause is kept in the store: it lasts until resume,
        across restarts of the node.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try setPaused(true, &arguments)
    }
}

/// `tandem connections resume NAME`: delivers what queued while paused.
struct ConnectionsResumeCommand: Command {
    static let path = ["connections", "resume"]
    static let summary = "resume a paused connection; its queue is delivered in order"
    static let help = """
        Usage: tandem connections resume NAME --config FILE

        Resumes connection NAME after `tandem connections pause`: the replicas
        queued meanwhile are sent to the peer in the order they were made.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try setPaused(false, &arguments)
    }
}

private func setPaused(_ paused: Bool, _ arguments: inout Arguments) throws -> ExitCode {
    let client = try AdminClient.from(&arguments)
    let name = try arguments.requiredPositional("connection NAME (`tandem status` lists them)")
    try arguments.finish()
    guard let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) else {
        throw CommandError.usage("'\(name)' is not a connection name")
    }
    let answer = try client.send("POST", "/admin/v1/connections/\(encoded)/\(paused ? "pause" : "resume")")
    let state = answer["paused"]?.boolValue == true ? "paused" : "resumed"
    print("\(state) \(answer["connection"]?.stringValue ?? name)")
    return .success
}
