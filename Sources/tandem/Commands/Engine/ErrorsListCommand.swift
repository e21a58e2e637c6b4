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
