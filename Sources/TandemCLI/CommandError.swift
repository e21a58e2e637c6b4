/// An error a command reports to its user: a message and the exit code to end with.
///
/// The message says what went wrong and, where there is one, what to do next.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let exitCode: ExitCode

    public init(_ message: String, exitCode: ExitCode = .failure) {
        self.message = message
        self.exitCode = exitCode
    }

    /// A usage mistake: unknown option, missing value, bad number.
    public static func usage(_ message: String) -> CommandError {
        CommandError(message, exitCode: .validationFailure)
    }

    public var description: String { message }
}
