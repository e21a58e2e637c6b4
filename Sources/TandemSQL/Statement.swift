import CSQLite

/// SQLITE_TRANSIENT: SQLite copies the bound bytes before the bind call returns.
let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement: bind typed values, step through rows, read typed columns.
///
/// Invariant: used by one thread at a time (its `Database` serialises access);
/// finalized when the value is released.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws(SQLError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw database.error(rc, context: "prepare '\(sql)'")
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1...n, after clearing earlier bindings and resetting.
    public func bind(_ values: [SQLValue]) throws(SQLError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw SQLError(code: SQLITE_RANGE, message: "statement takes \(sqlite3_bind_parameter_count(handle)) parameters, got \(values.count)", context: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let number): rc = sqlite3_bind_int64(handle, index, number)
            case .real(let number): rc = sqlite3_bind_double(handle, index, number)
            case .text(let text): rc = sqlite3_bind_text(handle, index, text, -1, transientDestructor)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    // A zero-length blob still needs a non-null pointer to stay a blob, not NULL.
                    sqlite3_bind_blob64(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(bytes.count), transientDestructor)
                }
            }
            guard rc == SQLITE_OK else { throw database.error(rc, context: "bind parameter \(index) of '\(sql)'") }
        }
    }

    /// Advances to the next row; false when done.
    public func step() throws(SQLError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(rc, context: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Number of columns in a result row.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String { String(cString: sqlite3_column_name(handle, Int32(index))) }

    public func isNull(_ index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    public func int64(_ index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

    public func int(_ index: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(index))) }

    public func double(_ index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    /// The column as text; nil for SQL NULL.
    public func text(_ index: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// The column as bytes; empty for NULL or an empty blob.
    public func blob(_ index: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        guard count > 0, let pointer = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The column in its own storage class.
    public func value(_ index: Int) -> SQLValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: return .integer(int64(index))
        case SQLITE_FLOAT: return .real(double(index))
        case SQLITE_TEXT: return .text(text(index) ?? "")
        case SQLITE_BLOB: return .blob(blob(index))
        default: return .null
        }
    }

    /// Resets so the statement can run again with new bindings.
    public func reset() { sqlite3_reset(handle) }
}
