import TandemSQL
import TandemTime

/// A permanent failure that blocks one lane until an operator retries or
/// resolves it (table `parked`).
struct ParkedError: Sendable, Equatable {
    var id: Int64
    var connection: String
    /// `out:<local id>` for the outgoing lane, `in:<peer entity id>` for the incoming one.
    var lane: String
    /// The entity's key as an operator knows it.
    var entity: String
    /// outgoing, incoming or apply.
    var stage: String
    var reason: String
    var createdAt: Int64
    /// open, retried or resolved.
    var state: String
}

extension StoreTransaction {
    /// Parks `lane` with `reason`. A lane has at most one open row.
    @discardableResult
    func park(connection: String, lane: String, entity: String, stage: String, reason: String,
                     now: Int64 = Timestamp.now()) throws -> Int64 {
        if let open = try parked(where: "connection = ? AND lane = ? AND state = 'open'", [.text(connection), .text(lane)]).first {
            return open.id
        }
        try run("INSERT INTO parked (connection, lane, entity, stage, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(connection), .text(lane), .text(entity), .text(stage), .text(reason), .integer(now)])
        let id = lastInsertRowID
        let outgoing = lane.hasPrefix("out:")
        let laneEntity = String(lane.drop { $0 != ":" }.dropFirst())
        try recordHistory(.parked, connection: connection, entity: outgoing ? laneEntity : nil, remote: outgoing ? nil : laneEntity,
                          ["stage": .string(stage), "reason": .string(reason), "error": .int(id)], now: now)
        return id
    }

    private func parked(where clause: String, _ values: [SQLValue]) throws -> [ParkedError] {
        try query("SELECT id, connection, lane, entity, stage, reason, created_at, state FROM parked WHERE \(clause)", values) { row in
            ParkedError(id: row.int64(0), connection: row.text(1) ?? "", lane: row.text(2) ?? "", entity: row.text(3) ?? "",
                        stage: row.text(4) ?? "", reason: row.text(5) ?? "", createdAt: row.int64(6), state: row.text(7) ?? "")
        }
    }

    /// Open parked errors, oldest first; all connections when `connection` is nil.
    func openParked(connection: String? = nil) throws -> [ParkedError] {
        if let connection {
            return try parked(where: "state = 'open' AND connection = ? ORDER BY id", [.text(connection)])
        }
        return try parked(where: "state = 'open' ORDER BY id", [])
    }

    func parkedError(id: Int64) throws -> ParkedError? {
        try parked(where: "id = ?", [.integer(id)]).first
    }

    /// Moves an open row to `state`; false when it was not open.
    @discardableResult
    func closeParked(id: Int64, state: String) throws -> Bool {
        try run("UPDATE parked SET state = ? WHERE id = ? AND state = 'open'", [.text(state), .integer(id)]) > 0
    }
}
