import Foundation
import TandemJSON
import TandemSQL

/// The node's SQLite store (see Schema.swift for tables and invariants).
///
/// All access goes through `read` or `write`, which hold the store's lock for
/// the closure: one connection, one writer at a time, statements prepared once
/// and cached. `write` runs the closure in one `BEGIN IMMEDIATE … COMMIT`; it
/// returns only after the commit is durable, which is what makes acknowledging
/// safe; `read` only after what it saw is (`GroupCommit`: the sync happens
/// after the lock is released, shared by the writers that committed meanwhile).
///
/// Thread: any; closures must not block on anything but SQLite.
final class Store: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private let state: StoreState
    /// Who this store is; given to it when it was created.
    let identity: StoreIdentity
    private let groupCommit: GroupCommit
    private let checkpointer: Checkpointer

    /// Bytes per page of a store created from now on. Every commit writes
    /// each page it touched whole, and most commits touch a dozen B-trees for
    /// a few dozen bytes each (queues, indexes, history): 2 KB pages write a
    /// third less per linked entity than 4 KB, and a twin's row (1–3 KB)
    /// still fits a page or two. An older store keeps its 4 KB pages.
    static let pageSize = 2048
    /// WAL bytes after which they are copied into the main file (SQLite's
    /// default is 1,000 frames, 2 MB here), by the `Checkpointer`'s thread.
    /// The same hot pages (queue tails, counts, index leaves) are written by
    /// commit after commit; a longer WAL copies each of them once per
    /// checkpoint instead of many times. Leaves on keys spread at random (a
    /// ServiceNow sys_id) are the ones a short WAL copies again and again
    /// once a store holds many entities. At most about 64 MB of WAL beside
    /// the store as a rule, replayed at open after a crash.
    static let checkpointBytes = 64 << 20

    /// Opens (creating if needed, mode 0600) the store at `path` and migrates it.
    /// `syncFile` makes the WAL durable (`fdatasync`; a test may slow it
    /// down); a test may lower `checkpointBytes`.
    init(path: String, checkpointBytes: Int = Store.checkpointBytes,
         syncFile: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) }) throws {
        self.path = path
        try PrivateFiles.file(path)
        for suffix in ["-wal", "-shm"] { try PrivateFiles.narrowIfPresent(path + suffix) }
        let database = try Database(path: path, synchronous: .normal, pageSize: Self.pageSize)
        groupCommit = GroupCommit(databasePath: path, syncFile: syncFile)
        // row_counts triggers must see the delete half of INSERT OR REPLACE.
        try database.execute("PRAGMA recursive_triggers = ON")
        let pageSize = try database.query("PRAGMA page_size") { $0.int(0) }.first ?? Self.pageSize
        let faults = StoreFaults()
        self.faults = faults
        let lock = lock
        let checkpointer = Checkpointer(path: path, frames: max(1, checkpointBytes / pageSize), faults: faults) { body in
            lock.withLock(body)
        }
        self.checkpointer = checkpointer
        database.onCommitToWAL { [unowned database] frames in
            guard checkpointer.committed(walFrames: frames) else { return }
            do throws(SQLError) {
                try database.checkpoint()
            } catch {
                faults.failed("checkpoint", error)
            }
        }
        try database.migrate(Schema.migrations)
        let state = StoreState(database: database)
        self.state = state
        identity = try database.transaction {
            let tx = StoreTransaction(state: state)
            return try tx.storeIdentity() ?? tx.createStoreIdentity()
        }
        try groupCommit.waitDurable(groupCommit.didCommit())  // the migrations and the identity
    }

    /// SQLite's failures as they happen, whoever asked: counted, logged and
    /// reported by `/healthz` and `/readyz` even where a caller copes.
    let faults: StoreFaults
    /// Every statement this store has prepared, for checking their query plans.
    var preparedSQL: [String] { lock.withLock { Array(state.statements.keys) } }

    /// Runs `body` with read access, its statements in one read transaction.
    func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        let (value, seen) = try readDeferringDurability(body)
        try waitDurable(seen)
        return value
    }

    /// Runs `body` with read access like `read`, but returns before the
    /// commits it saw are durable, with the ticket that covers them: for a
    /// caller that holds a lock of its own around the read and must not make
    /// others wait on the disk with it. It calls `waitDurable` after
    /// releasing that lock and before acting on what it read.
    func readDeferringDurability<T>(_ body: (StoreTransaction) throws -> T) throws -> (value: T, seen: UInt64) {
        do {
            return try lock.withLock {
                (try state.database.readTransaction { try body(StoreTransaction(state: state)) }, groupCommit.latest)
            }
        } catch let error as SQLError {
            faults.failed("read", error)
            throw error
        }
    }

    /// Returns once the commits a deferred read saw are durable.
    func waitDurable(_ seen: UInt64) throws {
        do {
            try groupCommit.waitDurable(seen)
        } catch {
            faults.failed("read", error)
            throw error
        }
    }

    /// Runs `body` in one transaction; returns after it has committed.
    ///
    /// A transaction that changed no row wrote nothing to make durable: it
    /// waits, as a read does, only for the commits it may have seen.
    @discardableResult
    func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            let (result, ticket) = try lock.withLock {
                let changes = state.database.totalChanges
                let result = try state.database.transaction { try body(StoreTransaction(state: state)) }
                return (result, state.database.totalChanges == changes ? groupCommit.latest : groupCommit.didCommit())
            }
            try groupCommit.waitDurable(ticket)
            faults.wrote()
            return result
        } catch let error as SQLError {
            faults.failed("write", error)
            throw error
        }
    }

    deinit { checkpointer.stop() }

    /// WAL frames after which the checkpointer copies them.
    var checkpointFrames: Int { checkpointer.frames }
    /// Copies of the WAL the checkpointer's thread has made.
    var checkpoints: Int { checkpointer.completed }

    /// Commits made, commits known durable, and the syncs that made them so.
    var durability: (committed: UInt64, synced: UInt64, syncs: UInt64) { groupCommit.counts }

    /// Whether `recordHistory` writes events (config `node.history.enabled`).
    var recordsHistory: Bool {
        get { lock.withLock { state.recordsHistory } }
        set { lock.withLock { state.recordsHistory = newValue } }
    }
}

/// The store's connection and its prepared statements.
final class StoreState {
    let database: Database
    var statements: [String: Statement] = [:]
    var recordsHistory = true

    init(database: Database) { self.database = database }
}

/// Access to the store inside `read`/`write`: valid only within the closure,
/// on the thread that holds the store's lock.
struct StoreTransaction {
    private let state: StoreState

    init(state: StoreState) { self.state = state }

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
        return state.database.changes
    }

    /// Runs a query and maps each row.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], row: (Statement) throws -> T) throws -> [T] {
        let statement = try prepared(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    var lastInsertRowID: Int64 { state.database.lastInsertRowID }

    var recordsHistory: Bool { state.recordsHistory }
    /// A count kept by the `row_counts` triggers: 'twins' (linked), 'pending', 'outbox' or 'inbox'.
    func rowCount(connection: String, _ name: String) throws -> Int {
        try query("SELECT count FROM row_counts WHERE connection = ? AND name = ?", [.text(connection), .text(name)]) { $0.int(0) }.first ?? 0
    }

    /// The time in `column` of a connection's first row of `table` in
    /// `order`, its oldest (nil when it has none), for the age shown by status.
    func oldestTime(_ column: String, of table: String, connection: String, order: String) throws -> Int64? {
        try query("SELECT \(column) FROM \(table) WHERE connection = ? ORDER BY \(order) LIMIT 1", [.text(connection)]) {
            $0.int64(0)
        }.first
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let statement = state.statements[sql] { return statement }
        let statement = try state.database.prepare(sql)
        state.statements[sql] = statement
        return statement
    }
}

extension Statement {
    /// Column `index` parsed as JSON (`JSON(stored:column:)`); nil when NULL.
    func json(_ index: Int) throws(SQLError) -> JSON? {
        if isNull(index) { return nil }
        return try JSON(stored: blob(index), column: columnName(index))
    }

    func optionalText(_ index: Int) -> String? { isNull(index) ? nil : text(index) }
}

extension JSON {
    /// Parses JSON the node stored in `column`. The node writes only
    /// serialized JSON there, so bytes that do not parse are damage: an
    /// SQLITE_CORRUPT error naming the column, which the store counts and
    /// reports like any other failure (`StoreFaults`).
    init(stored bytes: [UInt8], column: String) throws(SQLError) {
        do throws(JSONError) {
            self = try JSON(parsing: bytes)
        } catch {
            throw SQLError(code: Self.corrupt, message: "column \(column) holds damaged JSON: \(error)", context: "reading a JSON column")
        }
    }

    /// SQLITE_CORRUPT.
    private static let corrupt: Int32 = 11
}

extension SQLValue {
    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func json(_ value: JSON?) -> SQLValue { value.map { .blob($0.serialized()) } ?? .null }
}

