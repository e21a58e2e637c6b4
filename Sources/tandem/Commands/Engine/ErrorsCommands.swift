import NodeHost
import TandemCLI
import TandemJSON

/// `tandem errors list`: the parked entities of a running node.
struct ErrorsListCommand: Command {
    static let path = ["errors", "list"]
    static let summary = "list parked sync errors of a running node"
    static let help = """
        Usage: tandem errors list --config FILE [--json]

        Lists the entities whose sync is parked by a permanent failure (a script
        error with file:line:column, a validation error from the tracker, …).
        Later changes of a parked entity wait behind it; other entities keep
        syncing. Fix the cause, then `tandem errors retry ID`, or
        `tandem errors resolve ID` to skip the failed change.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let list = { (answer: JSON) in answer["errors"]?.arrayValue ?? [] }
        guard let answer = try AdminClient.answer("GET", "/admin/v1/errors", &arguments, shown: { .array(list($0)) }) else { return .success }
        let errors = list(answer)
        if errors.isEmpty {
            print("no parked errors")
        } else {
            for error in errors {
                let header = "#\(error["id"]?.text ?? "?")  \(error["connection"]?.stringValue ?? "")  \(error["entity"]?.stringValue ?? "")  \(error["stage"]?.stringValue ?? "")  since \(error["createdAt"]?.stringValue ?? "")"
                print(header)
                for line in (error["reason"]?.stringValue ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                    print("    " + line)
                }
            }
        }
        return .success
    }
}

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
        let body: JSON = all ? ["all": true] : ["id": .int(Int64(try parseID(id!)))]
        let retried = try client.send("POST", "/admin/v1/errors/retry", body)["retried"]?.arrayValue ?? []
        print("retrying \(retried.count) parked error(s): \(retried.map(\.text).joined(separator: ", "))")
        return .success
    }
}

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
        let answer = try client.send("POST", "/admin/v1/errors/resolve", ["id": .int(Int64(try parseID(id)))])
        print("resolved #\(id); skipped the failed change of \(answer["skipped"]?.stringValue ?? "?")")
        return .success
    }
}

func parseID(_ text: String) throws -> Int {
    guard let id = Int(text.hasPrefix("#") ? String(text.dropFirst()) : text) else {
        throw CommandError.usage("'\(text)' is not an error ID; `tandem errors list` shows them")
    }
    return id
}
