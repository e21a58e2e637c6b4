/// Named process exit codes shared by every command.
///
/// `validationFailure` (2) is also what a command returns when its input (a
/// folder, a file, an option) cannot be used at all.
public struct ExitCode: Equatable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitCode(0)
    public static let failure = ExitCode(1)
    public static let validationFailure = ExitCode(2)
}
