import TandemSQL
import TandemJSON
import TandemTime

/// Where a twin stands.
enum TwinStatus: String, Sendable {
    /// Synced: changes go both ways.
    case active
    /// `tandem unsync`: nothing of it is sent or applied any more.
    case unsynced
    /// `tandem connect` waits for the peer's answer; changes wait too.
    case linking
}

/// One local entity's sync state on one connection (table `twins`).
struct Twin: Sendable, Equatable {
    var connection: String
    var localID: String
    var localKey: String?
    var localURL: String?
    var remoteID: String?
    var remoteKey: String?
    var remoteURL: String?
    /// The seq the next outgoing replica of this entity gets.
    var nextSeq: Int64 = 1
    /// The highest incoming seq applied from the peer's entity.
    var lastAppliedSeq: Int64 = 0
    /// The hash of the replica the peer has, in our outgoing script's terms:
    /// the last one sent, or after an apply the echo baseline (what our script
    /// makes of the entity we just wrote). A replica with this hash is not sent.
    var lastSentHash: String?
    var lastSentReplica: JSON?
    /// The last replica applied: `previous` for the incoming script.
    var lastReceivedReplica: JSON?
    /// Per field, the value both nodes knew last (see `ConflictBase`).
    var base: JSON?
    /// Per field of `base`, when the value was agreed by an apply; absent:
    /// agreed before any replica of ours.
    var baseMarks: [String: BaseMark] = [:]
    /// Per field, the seq of our replica that carries the latest local edit
    /// seen of it, since the last apply that agreed on it (`LocalEdits`).
    var localEdits: [String: Int64] = [:]
    /// Per field, the peer's value in local form as of the last replica
    /// applied, where the incoming script wrote it or looked at it and left
    /// the local value (`ConflictBase.peerHeld`).
    var peerValues: [String: PeerValue] = [:]
    /// The `updated` time of the entity as last sent.
    var sentUpdated: String?
    /// The local entity as last known exactly, with its `version` (a count of
    /// writes, e.g. ServiceNow's sys_mod_count); trusted only while the
    /// tracker reports the same version.
    var snapshot: JSON?
    var status: TwinStatus = .active
    /// The peer's last word on this entity: `applied`, or `failed: reason`.
    var remoteStatus: String?
    var lastSyncedAt: Int64?

    init(connection: String, localID: String) {
        self.connection = connection
        self.localID = localID
    }
}

/// How far a twin is linked: its columns of that name (see `Twin`).
struct TwinLink: Sendable, Equatable {
    var status: TwinStatus
    var remoteID: String?
    var remoteStatus: String?
    var lastSentHash: String?
}

extension StoreTransaction {
    private static let twinColumns = """
        connection, local_id, local_key, local_url, remote_id, remote_key, remote_url, next_seq, last_applied_seq,
        last_sent_hash, last_sent_replica, last_received_replica, base, status, remote_status, last_synced_at,
        sent_updated, snapshot, base_marks, local_edits, peer_values
        """

    private func twins(where clause: String, _ values: [SQLValueConvertible]) throws -> [Twin] {
        try query("SELECT \(Self.twinColumns) FROM twins WHERE \(clause)", values.map(\.sqlValue)) { row in
            var twin = Twin(connection: row.text(0) ?? "", localID: row.text(1) ?? "")
            twin.localKey = row.optionalText(2)
            twin.localURL = row.optionalText(3)
            twin.remoteID = row.optionalText(4)
            twin.remoteKey = row.optionalText(5)
            twin.remoteURL = row.optionalText(6)
            twin.nextSeq = row.int64(7)
            twin.lastAppliedSeq = row.int64(8)
            twin.lastSentHash = row.optionalText(9)
            twin.lastSentReplica = try row.json(10)
            twin.lastReceivedReplica = try row.json(11)
            twin.base = try row.json(12)
            twin.status = row.text(13).flatMap(TwinStatus.init(rawValue:)) ?? .active
            twin.remoteStatus = row.optionalText(14)
            twin.lastSyncedAt = row.isNull(15) ? nil : row.int64(15)
            twin.sentUpdated = row.optionalText(16)
            twin.snapshot = try row.json(17)
            twin.baseMarks = (try row.json(18)?.objectValue ?? [:]).compactMapValues(BaseMark.init(json:))
            twin.localEdits = (try row.json(19)?.objectValue ?? [:]).compactMapValues { $0.intValue.map(Int64.init) }
            twin.peerValues = (try row.json(20)?.objectValue ?? [:]).compactMapValues(PeerValue.init(json:))
            return twin
        }
    }

    func twin(connection: String, localID: String) throws -> Twin? {
        try twins(where: "connection = ? AND local_id = ?", [connection, localID]).first
    }

    func twin(connection: String, remoteID: String) throws -> Twin? {
        try twins(where: "connection = ? AND remote_id = ?", [connection, remoteID]).first
    }

    /// The twin whose local or remote key is `key`.
    func twin(connection: String, key: String) throws -> Twin? {
        // Two indexed lookups: an OR across columns would scan the connection's twins.
        try twins(where: "connection = ? AND local_key = ? LIMIT 1", [connection, key]).first
            ?? twin(connection: connection, localID: key)
    }

    func twins(connection: String) throws -> [Twin] {
        try twins(where: "connection = ? ORDER BY local_id", [connection])
    }

    /// The columns of a twin that say how far it is linked, read without
    /// parsing its stored replicas: for checks made on every change or many
    /// times a second (`ScopeGate`, `tandem sync --query` progress).
    func twinLink(connection: String, localID: String) throws -> TwinLink? {
        try query("SELECT status, remote_id, remote_status, last_sent_hash FROM twins WHERE connection = ? AND local_id = ?",
                  [.text(connection), .text(localID)]) { row in
            TwinLink(status: row.text(0).flatMap(TwinStatus.init(rawValue:)) ?? .active, remoteID: row.optionalText(1),
                     remoteStatus: row.optionalText(2), lastSentHash: row.optionalText(3))
        }.first
    }

    /// The local id of the twin of the peer's `remoteID`, without parsing its
    /// stored replicas: the scheduler asks for each replica it picks.
    func twinLocalID(connection: String, remoteID: String) throws -> String? {
        try query("SELECT local_id FROM twins WHERE connection = ? AND remote_id = ?", [.text(connection), .text(remoteID)]) {
            $0.text(0)
        }.first ?? nil
    }

    /// The twin's `sentUpdated` alone, without parsing its stored replicas.
    func sentUpdated(connection: String, localID: String) throws -> String? {
        try query("SELECT sent_updated FROM twins WHERE connection = ? AND local_id = ?", [.text(connection), .text(localID)]) {
            $0.optionalText(0)
        }.first ?? nil
    }

    /// Inserts or updates the twin row.
    ///
    /// An update in place writes only the pages that change, where a REPLACE
    /// of the whole row would also rewrite every index and the row's overflow
    /// pages: a few WAL frames less on every commit that saves a twin. Both
    /// statements keep OR REPLACE: a remote id names one twin, so another
    /// twin that held it is removed, as before.
    func save(_ twin: Twin) throws {
        let key: [SQLValue] = [.text(twin.connection), .text(twin.localID)]
        let values: [SQLValue] = [
            .optional(twin.localKey), .optional(twin.localURL),
            .optional(twin.remoteID), .optional(twin.remoteKey), .optional(twin.remoteURL),
            .integer(twin.nextSeq), .integer(twin.lastAppliedSeq), .optional(twin.lastSentHash),
            .json(twin.lastSentReplica), .json(twin.lastReceivedReplica), .json(twin.base),
            .text(twin.status.rawValue), .optional(twin.remoteStatus), twin.lastSyncedAt.map(SQLValue.integer) ?? .null,
            .optional(twin.sentUpdated), .json(twin.snapshot),
            twin.baseMarks.isEmpty ? .null : .json(.object(twin.baseMarks.mapValues(\.json))),
            twin.localEdits.isEmpty ? .null : .json(.object(twin.localEdits.mapValues { .int($0) })),
            twin.peerValues.isEmpty ? .null : .json(.object(twin.peerValues.mapValues(\.json))), .integer(Timestamp.now()),
        ]
        if try run("UPDATE OR REPLACE twins SET \(Self.twinAssignments) WHERE connection = ? AND local_id = ?", values + key) > 0 { return }
        try run("""
            INSERT OR REPLACE INTO twins (\(Self.twinColumns), updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, key + values)
    }

    /// `column = ?` for every column after the key, in `twinColumns` order, then `updated_at`.
    private static let twinAssignments = (twinColumns.split(separator: ",").dropFirst(2).map { String($0.filter { !$0.isWhitespace }) }
        + ["updated_at"]).map { "\($0) = ?" }.joined(separator: ", ")

    /// Counts twins by status, for `tandem status`.
    func twinCount(connection: String) throws -> Int {
        try rowCount(connection: connection, "twins")
    }

    /// The latest successful sync on a connection, ms since the epoch.
    func lastSyncedAt(connection: String) throws -> Int64? {
        try query("""
            SELECT last_synced_at FROM twins WHERE connection = ? AND last_synced_at IS NOT NULL
            ORDER BY last_synced_at DESC LIMIT 1
            """, [.text(connection)]) { $0.int64(0) }.first
    }
}
