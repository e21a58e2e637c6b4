/// A failed SQLite call: the result code, SQLite's own message, and what we were doing.
public struct SQLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// SQLite's primary or extended result code (e.g. 19 SQLITE_CONSTRAINT).
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`), or ours when SQLite gave none.
    public let message: String
    /// The statement or operation that failed, for the human reading the error.
    public let context: String

    public init(code: Int32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "SQLite error \(code) in \(context): \(message)" }

    /// True for SQLITE_BUSY / SQLITE_LOCKED (after the busy timeout ran out).
    public var isBusy: Bool { code & 0xff == 5 || code & 0xff == 6 }
    /// True for constraint violations (unique, not null, check, foreign key).
    public var isConstraint: Bool { code & 0xff == 19 }
}
