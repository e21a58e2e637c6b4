import NodeHost
import TandemCLI
import TandemJSON

/// `tandem sync KEY --connection C`: syncs one entity now.
struct SyncCommand: Command {
    static let path = ["sync"]
    static let summary = "sync one entity now, by its key"
    static let help = """
        Usage: tandem sync KEY --connection NAME --config FILE

        Asks the running node to sync entity KEY (e.g. SUP-12) on connection
        NAME now, as if it had just changed: it is read, its replica built and
        sent, whatever the triggers say.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        guard let connection = try arguments.option("--connection") else { throw CommandError.usage("missing --connection NAME") }
        let key = try arguments.requiredPositional("KEY of the entity to sync")
        try arguments.finish()
        let answer = try client.send("POST", "/admin/v1/sync", ["connection": .string(connection), "key": .string(key)])
        print("queued \(answer["queued"]?.stringValue ?? key) on \(connection)")
        return .success
    }
}
