import TandemCLI
import TandemJSON

/// `tandem unsync KEY --connection C`: removes a link, keeps the data.
struct UnsyncCommand: Command {
    static let path = ["unsync"]
    static let summary = "stop syncing one entity, keeping the data on both sides"
    static let help = """
        Usage: tandem unsync KEY --connection NAME --config FILE [--timeout SECONDS]

        Removes the link between entity KEY and its twin at the peer. Both
        entities keep their data; later changes of either are not sent. The
        peer node is told too, so its side stops sending as well; the command
        waits for its confirmation (default 30 seconds). Changes already on
        their way when you unsync still arrive.

        The node keeps the peer entity's key for the record:
        `tandem sync KEY --connection NAME` re-links the two and sends KEY's
        current state; `tandem connect KEY OTHERKEY` links KEY elsewhere.
        `tandem sync --query` skips unsynced entities.

        Exit status: 0 when unsynced here and at the peer, 1 otherwise.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        guard let connection = try arguments.option("--connection") else { throw CommandError.usage("missing --connection NAME") }
        let timeout = try LinkWait.timeout(&arguments, default: 30)
        let key = try arguments.requiredPositional("KEY of the entity to unsync")
        try arguments.finish()
        let request = try client.send("POST", "/admin/v1/unsync", ["connection": .string(connection), "key": .string(key)])
        let remote = request["remoteKey"]?.stringValue.map { " from \($0)" } ?? ""
        guard try LinkWait(client: client, connection: connection)
            .answer(id: request["id"]?.stringValue ?? "", seq: request["seq"] ?? .null, timeout: timeout) != nil else {
            throw CommandError("unsynced \(key)\(remote) here, but the peer node has not confirmed within \(Int(timeout)) s; it stops sending once it receives the request (is it running? `tandem status` shows the outbox)")
        }
        print("unsynced \(key)\(remote) on \(connection); both keep their data, and neither side sends its changes any more")
        return .success
    }
}
