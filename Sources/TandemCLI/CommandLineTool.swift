#if canImport(Glibc)
import Glibc
#endif

/// Dispatches a tool's arguments to the command whose path they start with.
///
/// `tool --help` and `tool group --help` list the commands below that point;
/// `tool group leaf --help` prints the leaf's help. Errors go to stderr with
/// the hint to run `--help`.
public struct CommandLineTool {
    public let name: String
    public let summary: String
    public let commands: [any Command.Type]

    public init(name: String, summary: String, commands: [any Command.Type]) {
        self.name = name
        self.summary = summary
        self.commands = commands
    }

    /// Runs the tool on this process's arguments and exits with its code.
    public func run() -> Never {
        exit(main(CommandLine.arguments))
    }

    /// Runs the tool and returns the process exit code.
    public func main(_ argv: [String]) -> Int32 {
        let words = Array(argv.dropFirst())
        guard let (command, pathLength) = match(words) else {
            let prefix = Array(words.prefix { !$0.hasPrefix("-") })
            let listing = commands.filter { $0.path.starts(with: prefix) && !$0.isHidden }
            if prefix.isEmpty || !listing.isEmpty {
                let wanted = words.isEmpty || words.contains("--help") || words.contains("-h") || words == ["help"]
                print(usage(listing.isEmpty ? commands.filter { !$0.isHidden } : listing))
                return wanted ? ExitCode.success.rawValue : ExitCode.validationFailure.rawValue
            }
            printError("\(name): unknown command '\(prefix.joined(separator: " "))'; run '\(name) --help' for the list")
            return ExitCode.validationFailure.rawValue
        }
        var arguments = Arguments(Array(words.dropFirst(pathLength)))
        if arguments.wantsHelp {
            print(command.help)
            return ExitCode.success.rawValue
        }
        do {
            return try command.run(&arguments).rawValue
        } catch let error as CommandError {
            let where_ = ([name] + command.path).joined(separator: " ")
            printError("\(where_): \(error.message)")
            if error.exitCode == .validationFailure {
                printError("run '\(where_) --help' for usage")
            }
            return error.exitCode.rawValue
        } catch {
            printError("\(([name] + command.path).joined(separator: " ")): \(error)")
            return ExitCode.failure.rawValue
        }
    }

    private func match(_ words: [String]) -> ((any Command.Type), Int)? {
        commands
            .filter { words.starts(with: $0.path) }
            .max { $0.path.count < $1.path.count }
            .map { ($0, $0.path.count) }
    }

    private func usage(_ listed: [any Command.Type]) -> String {
        let width = listed.map { $0.path.joined(separator: " ").count }.max() ?? 0
        var lines = ["\(name): \(summary)", "", "Usage: \(name) <command> [options]   (every command takes --help)", "", "Commands:"]
        for command in listed {
            let path = command.path.joined(separator: " ")
            lines.append("  " + path + String(repeating: " ", count: width - path.count + 2) + command.summary)
        }
        return lines.joined(separator: "\n")
    }
}

/// Writes one line to standard error.
public func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

/// Writes one line to standard output at once, unbuffered: for lines another
/// program waits for, such as `listening on …`.
public func printNow(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(1, $0, strlen($0)) }
}
