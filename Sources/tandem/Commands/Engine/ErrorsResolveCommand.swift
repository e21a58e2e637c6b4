import TandemCLI
import TandemJSON

/// `tandem errors resolve`: skips a parked change an operator handled by hand.
struct ErrorsResolveCommand: Command {
    static let path = ["errors", "resolve"]
    static let summary = "mark a parked error resolved, skipping its failed change"
    static let help = """
        Usage: tandem errors resolve ID --config FILE

        Marks the error resolved and drops the change that failed (you handled
        it by hand); later changes of the entity flow again. To try the same
        change again instead, use `tandem errors retry ID`.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        let id = try arguments.requiredPositional("error ID (see `tandem errors list`)")
        try arguments.finish()
        let answer = try client.send("POST", "/admin/v1/errors/resolve", ["id": .int(Int64(try ParkedErrorID.parse(id)))])
        print("resolved #\(id); skipped the failed change of \(answer["skipped"]?.stringValue ?? "?")")
        return .success
    }
}
