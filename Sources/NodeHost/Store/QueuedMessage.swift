import TandemJSON
import TandemSQL
import TandemTime

/// A message in the outbox or the inbox.
///
/// `lane` is the entity the message is about on the side that sent it (for a
/// replica, the sender's entity id; for an ack, the entity the ack answers),
/// and `seq` orders messages within a lane.
struct QueuedMessage: Sendable, Equatable {
    typealias Kind = MessageKind

    var id: Int64
    var connection: String
    var kind: Kind
    var lane: String
    var seq: Int64
    var body: JSON
    var at: Int64
    var attempts: Int

    /// The lane's name in the `parked` table.
    var parkedLane: String { "in:" + lane }

    /// The exchange's id on both nodes; an ack's inbox seq is twice its
    /// replica's seq, plus one when applied (`AckMessage.inboxSeq`).
    var transactionID: String { kind.transactionID(lane: lane, seq: kind == .ack ? seq / 2 : seq) }

    /// The stored body as a typed message. Bodies were decoded once when
    /// received or built, so this fails only on a damaged store.
    func decoded() throws(ProtocolError) -> PeerMessage {
        try PeerMessage(decoding: body)
    }
}

/// Where an inbox message stands, without its body (`inboxHeads`).
struct InboxHead: Sendable, Equatable {
    var id: Int64
    var kind: QueuedMessage.Kind
    var lane: String
}

extension StoreTransaction {
    private func messages(_ table: String, where clause: String, _ values: [SQLValue]) throws -> [QueuedMessage] {
        let timeColumn = table == "outbox" ? "created_at" : "received_at"
        let attempts = table == "outbox" ? "0" : "attempts"
        return try query("SELECT id, connection, kind, lane, seq, body, \(timeColumn), \(attempts) FROM \(table) m WHERE \(clause)", values) { row in
            QueuedMessage(id: row.int64(0), connection: row.text(1) ?? "", kind: QueuedMessage.Kind(rawValue: row.text(2) ?? "") ?? .replica,
                          lane: row.text(3) ?? "", seq: row.int64(4), body: try row.json(5) ?? .null, at: row.int64(6),
                          attempts: row.int(7))
        }
    }

    // MARK: Outbox

    /// Queues a message for the peer. Messages leave in insertion order. An
    /// ack already queued under the same lane and seq is not queued twice.
    func enqueueOutbox(connection: String, kind: QueuedMessage.Kind, lane: String, seq: Int64, body: JSON,
                              now: Int64 = Timestamp.now()) throws {
        try run("INSERT \(kind == .ack ? "OR IGNORE " : "")INTO outbox (connection, kind, lane, seq, body, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(connection), .text(kind.rawValue), .text(lane), .integer(seq), .blob(body.serialized()), .integer(now)])
    }

    /// Queues a typed message under its inbox key on the peer.
    func enqueueOutbox(connection: String, _ message: PeerMessage, now: Int64 = Timestamp.now()) throws {
        try enqueueOutbox(connection: connection, kind: message.kind, lane: message.lane, seq: message.inboxSeq,
                          body: message.json, now: now)
    }

    /// The oldest queued messages of a connection, in the order they were queued.
    func outboxBatch(connection: String, limit: Int) throws -> [QueuedMessage] {
        try messages("outbox", where: "connection = ? ORDER BY id LIMIT ?", [.text(connection), .integer(Int64(limit))])
    }

    /// Removes messages the peer has stored.
    func deleteOutbox(ids: [Int64]) throws {
        for id in ids { try run("DELETE FROM outbox WHERE id = ?", [.integer(id)]) }
    }

    func outboxDepth(connection: String) throws -> Int {
        try rowCount(connection: connection, "outbox")
    }

    func oldestOutbox(connection: String) throws -> Int64? {
        // The first queued is the oldest: ids grow with time.
        try oldestTime("created_at", of: "outbox", connection: connection, order: "id")
    }

    // MARK: Inbox

    /// Stores a received message unless it is already there.
    ///
    /// - Returns: true when it was new.
    @discardableResult
    func storeInbox(connection: String, kind: QueuedMessage.Kind, lane: String, seq: Int64, body: JSON,
                           now: Int64 = Timestamp.now()) throws -> Bool {
        try run("INSERT OR IGNORE INTO inbox (connection, kind, lane, seq, body, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(connection), .text(kind.rawValue), .text(lane), .integer(seq), .blob(body.serialized()), .integer(now)]) > 0
    }

    /// The head (lowest seq) of each runnable lane: not deferred, not parked.
    /// Read without bodies: a pick looks at many heads and takes one.
    func inboxHeads(connection: String, now: Int64, limit: Int) throws -> [InboxHead] {
        try query("""
            SELECT id, kind, lane FROM inbox m WHERE connection = ? AND not_before <= ?
            AND id = (SELECT id FROM inbox h WHERE h.connection = m.connection AND h.kind = m.kind AND h.lane = m.lane
                      ORDER BY seq LIMIT 1)
            AND NOT EXISTS (SELECT 1 FROM parked WHERE parked.connection = m.connection
                            AND parked.lane = 'in:' || m.lane AND parked.state = 'open')
            ORDER BY id LIMIT ?
            """, [.text(connection), .integer(now), .integer(Int64(limit))]) { row in
            InboxHead(id: row.int64(0), kind: QueuedMessage.Kind(rawValue: row.text(1) ?? "") ?? .replica, lane: row.text(2) ?? "")
        }
    }

    /// The inbox message with this id, body and all.
    func inboxMessage(id: Int64) throws -> QueuedMessage? {
        try messages("inbox", where: "id = ?", [.integer(id)]).first
    }

    /// The replica with the highest seq waiting in a lane.
    func newestReplica(connection: String, lane: String) throws -> QueuedMessage? {
        try messages("inbox", where: "connection = ? AND kind = 'replica' AND lane = ? ORDER BY seq DESC LIMIT 1",
                     [.text(connection), .text(lane)]).first
    }

    /// Removes a lane's replicas up to and including `seq`.
    func deleteReplicas(connection: String, lane: String, upTo seq: Int64) throws {
        try run("DELETE FROM inbox WHERE connection = ? AND kind = 'replica' AND lane = ? AND seq <= ?",
                [.text(connection), .text(lane), .integer(seq)])
    }

    /// The highest inbox id given so far; ids only grow (AUTOINCREMENT).
    func lastInboxID() throws -> Int64 {
        try query("SELECT coalesce(max(id), 0) FROM inbox") { $0.int64(0) }.first ?? 0
    }

    func deleteInbox(id: Int64) throws {
        try run("DELETE FROM inbox WHERE id = ?", [.integer(id)])
    }

    func deferInbox(id: Int64, until notBefore: Int64) throws {
        try run("UPDATE inbox SET not_before = ?, attempts = attempts + 1 WHERE id = ?", [.integer(notBefore), .integer(id)])
    }

    func inboxDepth(connection: String) throws -> Int {
        try rowCount(connection: connection, "inbox")
    }

    func oldestInbox(connection: String) throws -> Int64? {
        // The first queued is the oldest: ids grow with time.
        try oldestTime("received_at", of: "inbox", connection: connection, order: "id")
    }
}
