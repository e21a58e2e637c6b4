import TandemSQL
import TandemTime

extension StoreTransaction {
    /// Charges one death to `lane` and returns the count in a row, this one included.
    func chargePluginDeath(connection: String, lane: String, entity: String, reason: String,
                           now: Int64 = Timestamp.now()) throws -> Int {
        try run("""
            INSERT INTO plugin_deaths (connection, lane, entity, deaths, last_reason, updated_at) VALUES (?, ?, ?, 1, ?, ?)
            ON CONFLICT (connection, lane) DO UPDATE SET deaths = deaths + 1, entity = excluded.entity,
                last_reason = excluded.last_reason, updated_at = excluded.updated_at
            """, [.text(connection), .text(lane), .text(entity), .text(reason), .integer(now)])
        return try query("SELECT deaths FROM plugin_deaths WHERE connection = ? AND lane = ?",
                         [.text(connection), .text(lane)]) { $0.int(0) }.first ?? 0
    }

    /// Forgets the deaths of `lane`: a call for it returned, or it was parked for them.
    func clearPluginDeaths(connection: String, lane: String) throws {
        try run("DELETE FROM plugin_deaths WHERE connection = ? AND lane = ?", [.text(connection), .text(lane)])
    }

    /// Lanes with at least one death charged, as (connection, lane).
    func lanesWithPluginDeaths() throws -> [(String, String)] {
        try query("SELECT connection, lane FROM plugin_deaths") { ($0.text(0) ?? "", $0.text(1) ?? "") }
    }
}
