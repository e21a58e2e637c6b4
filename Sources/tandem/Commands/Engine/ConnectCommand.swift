import TandemCLI
import TandemJSON

/// `tandem connect LOCALKEY REMOTEKEY --connection C`: twins two existing entities.
struct ConnectCommand: Command {
    static let path = ["connect"]
    static let summary = "twin an existing local entity with an existing peer entity"
    static let help = """
        Usage: tandem connect LOCALKEY REMOTEKEY --connection NAME --config FILE [--timeout SECONDS]

        Twins two entities that both exist already, without creating anything:
        LOCALKEY in this node's tracker (e.g. SUP-12) with REMOTEKEY in the peer
        node's tracker (e.g. INC0010001). The node reads LOCALKEY, then asks its
        peer to read REMOTEKEY and record the link; the command waits for that
        answer (default 30 seconds).

        No data is copied when connecting: from then on a change on either side
        is sent to the other as an update. To send the current state now, run
        `tandem sync LOCALKEY --connection NAME` afterwards.

        Refused when either key does not exist or is already twinned; unsync
        it first with `tandem unsync KEY --connection NAME`.

        Exit status: 0 when linked, 1 when refused or the peer did not answer in time.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        guard let connection = try arguments.option("--connection") else { throw CommandError.usage("missing --connection NAME") }
        let timeout = try LinkWait.timeout(&arguments, default: 30)
        let localKey = try arguments.requiredPositional("LOCALKEY (the entity in this node's tracker)")
        let remoteKey = try arguments.requiredPositional("REMOTEKEY (the entity in the peer node's tracker)")
        try arguments.finish()
        let request = try client.send("POST", "/admin/v1/connect", [
            "connection": .string(connection), "localKey": .string(localKey), "remoteKey": .string(remoteKey),
        ])
        let key = request["key"]?.stringValue ?? localKey
        guard let answer = try LinkWait(client: client, connection: connection)
            .answer(id: request["id"]?.stringValue ?? "", seq: request["seq"] ?? .null, timeout: timeout) else {
            throw CommandError("the peer node has not answered within \(Int(timeout)) s; the link of \(key) with \(remoteKey) stays queued and completes when it does (is the peer running? `tandem status` shows the outbox)")
        }
        guard answer["state"]?.stringValue == "linked" else {
            throw CommandError("not connected: \(answer["reason"]?.stringValue ?? "the peer refused without a reason")")
        }
        print("connected \(key) with \(answer["remoteKey"]?.stringValue ?? remoteKey) on \(connection); later changes on either side flow as updates")
        return .success
    }
}
