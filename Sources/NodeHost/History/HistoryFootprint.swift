import TandemSQL

/// What the entity history costs on disk in one store: its events and the
/// bytes of its table and indexes (SQLite's `dbstat`), for `tandem-bench`.
public struct HistoryFootprint: Sendable {
    public let events: Int
    public let bytes: Int
    public var bytesPerEvent: Double { events == 0 ? 0 : Double(bytes) / Double(events) }

    /// Reads the store at `path` (a node may be running: this only reads).
    public static func measure(storePath path: String) throws -> HistoryFootprint {
        let database = try Database(path: path)
        let events = try database.query("SELECT count(*) FROM history") { $0.int(0) }.first ?? 0
        let bytes = try database.query("""
            SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ('history', 'history_by_entity', 'history_by_remote')
            """) { $0.int(0) }.first ?? 0
        return HistoryFootprint(events: events, bytes: bytes)
    }
}
