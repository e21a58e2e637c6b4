import CSQLite

/// One SQLite connection, opened for durability: WAL journal, `synchronous=FULL`
/// (a committed transaction survives power loss) unless the caller makes its
/// commits durable itself (`Synchronous.normal`), a busy timeout, foreign keys on.
///
/// Thread model: the connection is opened in serialized mode, so single calls are
/// safe from any thread; a transaction (`transaction { … }`) must not be interleaved
/// with other work on the same connection, so callers serialise around it (the
/// simulators hold their state lock while writing).
public final class Database: @unchecked Sendable {
    let handle: OpaquePointer
    /// The path given to `init`; ":memory:" for a private in-memory database.
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    ///
    /// - Parameters:
    ///   - path: a file path, or ":memory:".
    ///   - busyTimeoutMilliseconds: how long a write waits for another connection's lock.
    ///   - synchronous: `.full` unless the caller syncs the WAL after each
    ///     commit it relies on (then a crash still leaves a consistent file).
    ///   - pageSize: bytes per page of a database this call creates (a power
    ///     of two, 512–65536); an existing file keeps its own. Nil: SQLite's.
    /// - Throws: `SQLError` when the file cannot be opened or is not a database.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5000, synchronous: Synchronous = .full,
                pageSize: Int? = nil) throws(SQLError) {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        let rc = sqlite3_open_v2(path, &connection, flags, nil)
        guard rc == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let connection { sqlite3_close_v2(connection) }
            throw SQLError(code: rc, message: message, context: "open '\(path)'")
        }
        self.handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        do {
            // Before WAL mode, which fixes the page size of a new file.
            if let pageSize { try execute("PRAGMA page_size=\(pageSize)") }
            // journal_mode answers with a row; an in-memory database stays "memory".
            _ = try prepare("PRAGMA journal_mode=WAL").step()
            try execute("PRAGMA synchronous=\(synchronous.rawValue); PRAGMA foreign_keys=ON;")
        } catch {
            sqlite3_close_v2(connection)
            throw error
        }
    }

    deinit { sqlite3_close_v2(handle) }

    /// `PRAGMA synchronous` in WAL mode: `full` syncs the WAL at every
    /// commit; `normal` only at checkpoints, so commits since the last sync
    /// may be lost on power loss, never corrupted.
    public enum Synchronous: String, Sendable {
        case full = "FULL"
        case normal = "NORMAL"
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws(SQLError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLError(code: rc, message: text, context: sql)
        }
    }

    /// Prepares `sql` for repeated use.
    public func prepare(_ sql: String) throws(SQLError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs a statement with `values` bound; returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue] = []) throws(SQLError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(values)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps every row with `row`.
    public func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (Statement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The rows changed by the last INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Rows inserted, updated or deleted since the connection opened,
    /// triggers' included: unchanged across a transaction that wrote nothing.
    public var totalChanges: Int64 { sqlite3_total_changes64(handle) }

    /// Runs `body` in one `BEGIN IMMEDIATE … COMMIT`; rolls back if it throws.
    ///
    /// Nested calls join the outer transaction (SQLite has no nested BEGIN).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body`'s reads in one `BEGIN … COMMIT`: one snapshot, and one
    /// round of file locking for all of them where each statement on its
    /// own would lock and unlock the files again. Rolls back if it throws.
    ///
    /// Nested calls join the outer transaction.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN", body)
    }

    private func inTransaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try control(begin)
        do {
            let result = try body()
            try control("COMMIT")
            return result
        } catch {
            if isInTransaction { try? control("ROLLBACK") }
            throw error
        }
    }

    /// BEGIN, COMMIT and ROLLBACK, prepared once: every store access runs them.
    private var controlStatements: [String: Statement] = [:]

    private func control(_ sql: String) throws(SQLError) {
        let statement: Statement
        if let prepared = controlStatements[sql] {
            statement = prepared
        } else {
            statement = try prepare(sql)
            controlStatements[sql] = statement
        }
        defer { statement.reset() }
        while try statement.step() {}
    }

    /// Calls `body` after each commit with the number of frames now in the
    /// WAL, on the committing thread, before the commit returns. Replaces
    /// SQLite's automatic checkpoint: the caller decides when to copy the WAL.
    public func onCommitToWAL(_ body: @escaping (Int) -> Void) {
        let hook = WALHook(body)
        walHook = hook
        sqlite3_wal_hook(handle, { context, _, _, frames in
            guard let context else { return SQLITE_OK }
            Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue().body(Int(frames))
            return SQLITE_OK
        }, Unmanaged.passUnretained(hook).toOpaque())
    }

    private final class WALHook {
        let body: (Int) -> Void
        init(_ body: @escaping (Int) -> Void) { self.body = body }
    }

    /// Kept alive while SQLite holds a pointer to it.
    private var walHook: WALHook?

    /// Copies into the main file the WAL frames no reader still needs
    /// (`SQLITE_CHECKPOINT_PASSIVE`: waits for no one and blocks no one).
    /// Returns the frames in the WAL and how many of them are copied.
    @discardableResult
    public func checkpoint() throws(SQLError) -> (frames: Int, copied: Int) {
        var frames: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied)
        guard rc == SQLITE_OK else { throw error(rc, context: "checkpoint '\(path)'") }
        return (Int(frames), Int(copied))
    }

    /// `PRAGMA user_version`: the schema version this file is at.
    public func userVersion() throws(SQLError) -> Int {
        let statement = try prepare("PRAGMA user_version")
        _ = try statement.step()
        return statement.int(0)
    }

    /// Brings the schema up to `migrations.count`: migration i (0-based) moves the
    /// file from user_version i to i+1, each in its own transaction with the bump.
    ///
    /// - Throws: `SQLError` from a failing migration (that step is rolled back), or
    ///   when the file is newer than this code knows (user_version > count).
    public func migrate(_ migrations: [String]) throws {
        let current = try userVersion()
        guard current <= migrations.count else {
            throw SQLError(code: SQLITE_ERROR, message: "database schema version \(current) is newer than this program knows (\(migrations.count)); use a newer tandem", context: "migrate '\(path)'")
        }
        for version in current..<migrations.count {
            try transaction {
                try execute(migrations[version])
                try execute("PRAGMA user_version=\(version + 1)")
            }
        }
    }

    /// The journal mode in effect ("wal" for files, "memory" for ":memory:").
    public func journalMode() throws -> String {
        try query("PRAGMA journal_mode") { $0.text(0) ?? "" }.first ?? ""
    }

    func error(_ rc: Int32, context: String) -> SQLError {
        SQLError(code: rc, message: String(cString: sqlite3_errmsg(handle)), context: context)
    }
}
