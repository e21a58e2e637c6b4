/// Named process exit codes shared by every command; docs/operations.md
/// (Exit codes) is the operators' copy of this table.
///
/// `validationFailure` (2) is also what a command returns when its input (a
/// folder, a file, an option) cannot be used at all.
public struct ExitCode: Equatable, Sendable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitCode(0)
    /// The command could not do its work: a node unreachable or refusing, a
    /// demo step that did not hold, a node that could not listen.
    public static let failure = ExitCode(1)
    public static let validationFailure = ExitCode(2)
    /// The node configuration cannot be used: unreadable, not JSON, unknown
    /// key, bad value, missing environment variable, plugin not loadable or
    /// refusing its config, script that does not parse or reads unknown names.
    public static let configError = ExitCode(3)
    /// The configuration is valid, but what it names does not answer as it
    /// must: a tracker unreachable or refusing the credentials, a peer that
    /// does not know the connection or speaks another protocol.
    public static let checkFailed = ExitCode(4)
}
