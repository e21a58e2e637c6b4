import TandemSQL
import TandemTime

/// A link or unlink this node asked its peer for (table `link_requests`).
///
/// `seq` names the request in its lane (the local entity id): the peer's
/// `link-ack` carries it back. `state` is `waiting` until the answer, then
/// `linked`, `refused` or `unlinked`.
struct LinkRequest: Sendable, Equatable {
    enum Action: String, Sendable { case link, unlink }
    /// `waiting` until the peer answers, then its answer.
    enum State: String, Sendable { case waiting, linked, refused, unlinked }

    var connection: String
    var localID: String
    var seq: Int64
    var action: Action
    var localKey: String?
    var remoteKey: String?
    var state: State = .waiting
    var reason: String?
    /// The twin's status before a link, restored on refusal; nil: no twin before.
    var previousStatus: TwinStatus?
    var previousRemoteKey: String?
}

extension StoreTransaction {
    func saveLinkRequest(_ request: LinkRequest, now: Int64 = Timestamp.now()) throws {
        try run("""
            INSERT INTO link_requests (connection, local_id, seq, action, local_key, remote_key, state, reason,
                                       previous_status, previous_remote_key, requested_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(request.connection), .text(request.localID), .integer(request.seq), .text(request.action.rawValue),
                  .optional(request.localKey), .optional(request.remoteKey), .text(request.state.rawValue), .optional(request.reason),
                  .optional(request.previousStatus?.rawValue), .optional(request.previousRemoteKey), .integer(now)])
    }

    func linkRequest(connection: String, localID: String, seq: Int64) throws -> LinkRequest? {
        try query("""
            SELECT action, local_key, remote_key, state, reason, previous_status, previous_remote_key
            FROM link_requests WHERE connection = ? AND local_id = ? AND seq = ?
            """, [.text(connection), .text(localID), .integer(seq)]) { row in
            var request = LinkRequest(connection: connection, localID: localID, seq: seq,
                                      action: LinkRequest.Action(rawValue: row.text(0) ?? "") ?? .link)
            request.localKey = row.optionalText(1)
            request.remoteKey = row.optionalText(2)
            request.state = row.text(3).flatMap(LinkRequest.State.init(rawValue:)) ?? .waiting
            request.reason = row.optionalText(4)
            request.previousStatus = row.optionalText(5).flatMap(TwinStatus.init(rawValue:))
            request.previousRemoteKey = row.optionalText(6)
            return request
        }.first
    }

    /// Records the peer's answer; false when the request was answered before.
    @discardableResult
    func answerLinkRequest(connection: String, localID: String, seq: Int64, state: LinkRequest.State, reason: String?,
                           now: Int64 = Timestamp.now()) throws -> Bool {
        try run("""
            UPDATE link_requests SET state = ?, reason = ?, answered_at = ?
            WHERE connection = ? AND local_id = ? AND seq = ? AND state = 'waiting'
            """, [.text(state.rawValue), .optional(reason), .integer(now), .text(connection), .text(localID), .integer(seq)]) > 0
    }

    /// A seq for a new link message of `localID`: above every earlier one, so
    /// the peer's inbox keeps them in the order they were asked for.
    func nextLinkSeq(connection: String, localID: String, now: Int64 = Timestamp.now()) throws -> Int64 {
        let last = try query("SELECT max(seq) FROM link_requests WHERE connection = ? AND local_id = ?",
                             [.text(connection), .text(localID)]) { $0.isNull(0) ? 0 : $0.int64(0) }.first ?? 0
        return max(now, last + 1)
    }

    /// Forgets a twin row made only for a link the peer refused.
    func deleteTwin(connection: String, localID: String) throws {
        try run("DELETE FROM twins WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)])
    }

    /// The twin, other than `localID`'s, that holds `remoteID`; linking frees
    /// it when it is unsynced (the unique remote-id index allows one).
    func twinHolding(connection: String, remoteID: String, except localID: String) throws -> Twin? {
        guard let twin = try twin(connection: connection, remoteID: remoteID), twin.localID != localID else { return nil }
        return twin
    }

    /// The twin whose peer entity has key `remoteKey`.
    func twin(connection: String, remoteKey: String) throws -> Twin? {
        let ids = try query("SELECT local_id FROM twins WHERE connection = ? AND remote_key = ? AND status != 'unsynced' LIMIT 1",
                            [.text(connection), .text(remoteKey)]) { $0.text(0) ?? "" }
        guard let id = ids.first else { return nil }
        return try twin(connection: connection, localID: id)
    }

    /// Makes a notice deferred while its entity was being linked runnable now.
    func wakePending(connection: String, localID: String) throws {
        try run("UPDATE pending SET not_before = 0 WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)])
    }

    func hasPending(connection: String, localID: String) throws -> Bool {
        try query("SELECT 1 FROM pending WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)]) { _ in true }
            .first ?? false
    }

    func hasOutgoingReplica(connection: String, localID: String) throws -> Bool {
        try query("SELECT 1 FROM outbox WHERE connection = ? AND kind = 'replica' AND lane = ? LIMIT 1",
                  [.text(connection), .text(localID)]) { _ in true }.first ?? false
    }

    func openParkedReason(connection: String, lane: String) throws -> String? {
        try query("SELECT reason FROM parked WHERE connection = ? AND lane = ? AND state = 'open' LIMIT 1",
                  [.text(connection), .text(lane)]) { $0.text(0) ?? "" }.first
    }
}
