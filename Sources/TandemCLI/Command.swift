/// One leaf command of a command-line tool, such as `tandem plugins list`.
///
/// A command is a value type with no stored state: `run` parses what it needs
/// from `arguments` (and must call `arguments.finish()` so that a mistyped
/// option is an error, not ignored) and returns the exit code.
public protocol Command: Sendable {
    /// The words that select this command after the tool name, e.g. `["plugins", "list"]`.
    static var path: [String] { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full help text: usage line, options, and an example where it helps.
    static var help: String { get }
    static func run(_ arguments: inout Arguments) throws -> ExitCode
    /// Left out of the command list: run by the tool itself, not by people.
    static var isHidden: Bool { get }
}

extension Command {
    public static var isHidden: Bool { false }
}
