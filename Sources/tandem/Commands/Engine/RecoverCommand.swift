import NodeHost
import TandemCLI
import TandemJSON

/// `tandem recover`: rebuilds a connection after this node's store was lost or restored.
struct RecoverCommand: Command {
    static let path = ["recover"]
    static let summary = "rebuild a connection with its peer after this node's store was lost or restored"
    static let help = """
        Usage: tandem recover --connection NAME --config FILE

        Run on the node whose store was begun again (`tandem run --new-store`)
        or restored (`tandem restore`), while both nodes run. The peer, which
        refuses this node's batches since it noticed the new store, trusts it
        again, forgets the sequence numbers of the old one and sends back its
        twins; this node rebuilds its links from them. Then both nodes send the
        current state of every linked entity, as updates of their twins, so
        both trackers converge with nothing lost or created twice.
        See docs/operations.md, "Recovery".
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        guard let connection = try arguments.option("--connection") else { throw CommandError.usage("missing --connection NAME") }
        try arguments.finish()
        let answer = try client.send("POST", "/admin/v1/recover", ["connection": .string(connection)])
        print("recovered \(connection): \(answer["linked"]?.intValue ?? 0) links from the peer (\(answer["rebuilt"]?.intValue ?? 0) rebuilt); every linked entity is being sent again")
        return .success
    }
}
