import TandemSQL
import TandemTime

// Operator pauses (table `connection_state`): `tandem connections pause`
// must hold across a restart, or a restart would send what the operator
// held back.
extension StoreTransaction {
    /// The pause an operator set for `connection`; nil when none was ever set.
    func storedPause(connection: String) throws -> Bool? {
        try query("SELECT paused FROM connection_state WHERE connection = ?", [.text(connection)]) { $0.int(0) != 0 }.first
    }

    func storePause(connection: String, paused: Bool) throws {
        try run("INSERT OR REPLACE INTO connection_state (connection, paused, updated_at) VALUES (?, ?, ?)",
                [.text(connection), .integer(paused ? 1 : 0), .integer(Timestamp.now())])
    }
}
