import TandemCLI
import TandemJSON

/// `tandem errors retry`: tries parked entities again.
struct ErrorsRetryCommand: Command {
    static let path = ["errors", "retry"]
    static let summary = "retry a parked error (or all) on a running node"
    static let help = """
        Usage: tandem errors retry ID --config FILE
               tandem errors retry --all --config FILE

        Reopens the parked lane: its failed change is tried again, then the
        changes queued behind it. After fixing a script, restart the node first
        so that it loads the fixed script.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        let all = arguments.flag("--all")
        let id = arguments.positional()
        try arguments.finish()
        guard all != (id != nil) else { throw CommandError.usage("give either an error ID or --all") }
        let body: JSON = all ? ["all": true] : ["id": .int(Int64(try ParkedErrorID.parse(id!)))]
        let retried = try client.send("POST", "/admin/v1/errors/retry", body)["retried"]?.arrayValue ?? []
        print("retrying \(retried.count) parked error(s): \(retried.map(\.text).joined(separator: ", "))")
        return .success
    }
}
