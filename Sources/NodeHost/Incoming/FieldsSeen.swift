import TandemJSON

/// What an apply learns of the fields beside the base (docs/conflicts.md,
/// "Changed here, changed there"): the edits here its read shows, and the
/// peer's values in local form; saved with the apply.
struct FieldsSeen {
    /// Local edits the read before the write showed (`LocalEdits.observe`).
    var edits: [String: Int64] = [:]
    /// Fields that count as changed here whatever their value (`LocalEdits.edited`).
    var edited: Set<String> = []
    /// The peer's values that still stand (`ConflictBase.peerLast`).
    var peerLast: [String: JSON] = [:]
    /// The twin's `peerValues` after this replica (`ConflictBase.peerHeld`).
    var peerValues: [String: PeerValue] = [:]

    init() {}

    /// - Parameters:
    ///   - sent: the fields of our replica `appliedSeq`, if kept.
    ///   - newest: the fields our newest replica was built from.
    ///   - base: the base the replica is judged against.
    ///   - touched: the members the incoming script read or assigned.
    init(twin: Twin, local: JSON, sent: JSON?, newest: JSON?, base: JSON, appliedSeq: Int64, interrupted: ApplyIntent?,
         script changes: JSON, touched: Set<String>) {
        edits = LocalEdits.observe(local["fields"], newest: newest, twin: twin, skipping: Set(interrupted?.written.keys.map { $0 } ?? []))
        edited = LocalEdits.edited(LocalEdits.merged(twin.localEdits, edits), since: appliedSeq,
                                   sent: sent ?? twin.base, newest: newest)
        peerLast = ConflictBase.peerLast(twin.peerValues, appliedSeq: appliedSeq)
        peerValues = ConflictBase.peerHeld(previous: twin.peerValues, script: changes, touched: touched, local: local,
                                           base: base, edited: edited, appliedSeq: appliedSeq)
    }

    /// Saves what was seen into `twin`, whose base already holds what the
    /// apply agreed on (`ConflictBase.record`).
    func save(agreed: Set<String>, into twin: inout Twin) {
        twin.localEdits = LocalEdits.merged(twin.localEdits, edits)
        for name in agreed { twin.localEdits[name] = nil }
        // A value equal to the agreed base says nothing more.
        twin.peerValues = peerValues.filter { !ConflictResolver.looselyEqual($0.value.value, twin.base?[$0.key] ?? .null) }
    }
}
