import TandemJSON

/// The base of conflict detection: per field, the local value as of the
/// last moment both nodes knew it (docs/conflicts.md).
///
/// Two kinds of moment qualify:
///   - our replica `appliedSeq`, which the peer says it had applied when it
///     built its replica: the peer knew every field as we sent it then
///     (table `replica_fields`);
///   - an apply of a peer replica, for the fields that apply wrote or found
///     already equal: both sides hold that value from then on (the twin's
///     `base`, each field marked with the seq of our newest replica at the
///     time, `baseMarks`).
/// Per field the later of the two wins: an agreement marked `m` is later
/// than our replica `a` when `m >= a` (the apply came after we sent `a`).
///
/// A field kept at its local value by an apply (changed here only, or a
/// conflict the local side won) is not agreed: its base stays, so the peer's
/// next replica, which cannot know the value yet, is not taken for an edit.
enum ConflictBase {
    /// The base to judge a peer replica built after applying our `appliedSeq`.
    /// - Parameter sent: our fields as of replica `appliedSeq`, if kept.
    /// - Parameter interrupted: an apply of ours cut short before it was
    ///   recorded; what it wrote is known to both (`interruptedWrites`).
    static func base(of twin: Twin, sent: JSON?, appliedSeq: Int64, interrupted: ApplyIntent? = nil, local: JSON? = nil) -> JSON? {
        var fields: [String: JSON]
        if let sentFields = sent?.objectValue {
            fields = sentFields
            for (name, value) in twin.base?.objectValue ?? [:] where (twin.baseMarks[name]?.ours ?? 0) >= appliedSeq {
                fields[name] = value
            }
        } else {
            guard let base = twin.base?.objectValue else { return nil }
            fields = base
        }
        fields.merge(interruptedWrites(interrupted, local: local)) { $1 }
        // A step of our own write under way is no local change: the peer's
        // value is written again, and the write walks on from there.
        let current = local?["fields"]?.objectValue ?? [:]
        for name in interrupted?.stepsUnderWay(in: local) ?? [] { fields[name] = current[name] ?? .null }
        return .object(fields)
    }

    /// What an interrupted apply of ours wrote, as far as the entity shows:
    /// a field holding the written value (in the tracker's form), or a third
    /// value someone wrote after us (the written one, which the peer sent
    /// and we held). A field back at its value before the apply may never
    /// have been written: it does not count. Nor does a third value the
    /// connector reports as its own (`ApplyIntent.stepsUnderWay`): the write
    /// is still under way there, and the written value never landed.
    static func interruptedWrites(_ intent: ApplyIntent?, local: JSON?) -> [String: JSON] {
        guard let intent else { return [:] }
        let current = local?["fields"]?.objectValue ?? [:]
        let steps = intent.stepsUnderWay(in: local)
        var writes: [String: JSON] = [:]
        for (name, value) in intent.written {
            let now = current[name] ?? .null
            if ConflictResolver.looselyEqual(value, now) {
                writes[name] = now
            } else if !ConflictResolver.looselyEqual(intent.before[name] ?? .null, now), !steps.contains(name) {
                writes[name] = value
            }
        }
        return writes
    }

    /// Values the peer also knew, beside the base, when replicas crossed: we
    /// agreed on the peer's value after sending our replica `appliedSeq`,
    /// but the peer built that value before applying `appliedSeq`, and has
    /// applied it since. Which of the two it kept depends on its policy, so
    /// either one coming back is no edit of the peer's. (Here, where the
    /// agreed value was written, a return to our older value is an edit.)
    static func alsoKnown(of twin: Twin, sent: JSON?, appliedSeq: Int64) -> [String: JSON] {
        guard let sentFields = sent?.objectValue else { return [:] }
        var known: [String: JSON] = [:]
        for (name, mark) in twin.baseMarks where mark.ours >= appliedSeq && mark.peerApplied < appliedSeq {
            if let value = sentFields[name] { known[name] = value }
        }
        return known
    }

    /// The peer's values in local form after an apply (`Twin.peerValues`):
    /// what the incoming script wrote, before conflicts were decided; for a
    /// field it read or assigned and left as it was, while that field was
    /// changed here, the local value (both sides had moved to it: a script's
    /// change holds only what differs). Another field it touched and left
    /// as it was is forgotten.
    /// - Parameters:
    ///   - base: the base the replica was judged against.
    ///   - edited: fields edited here since, though maybe back at the base value.
    ///   - appliedSeq: the replica's, kept with each value.
    static func peerHeld(previous: [String: PeerValue], script changes: JSON, touched: Set<String>, local: JSON,
                         base: JSON, edited: Set<String>, appliedSeq: Int64) -> [String: PeerValue] {
        var held = previous
        let current = local["fields"]?.objectValue ?? [:]
        for name in touched {
            let mine = current[name] ?? .null
            let changedHere = ConflictResolver.changedHere(name, mine: mine, was: base[name] ?? .null, edited: edited)
            held[name] = changedHere ? PeerValue(mine, appliedSeq: appliedSeq) : nil
        }
        for (name, value) in changes["fields"]?.objectValue ?? [:] { held[name] = PeerValue(value, appliedSeq: appliedSeq) }
        return held
    }

    /// The peer's values that still stand for a replica built after it
    /// applied our `appliedSeq`: those from a replica built after the same
    /// one. The peer has applied nothing of ours since, so only its own edit
    /// can have changed them; after a newer replica of ours it may have
    /// taken our value instead.
    static func peerLast(_ values: [String: PeerValue], appliedSeq: Int64) -> [String: JSON] {
        values.filter { $0.value.appliedSeq == appliedSeq }.mapValues(\.value)
    }

    /// The fields an apply agrees on: what it writes, less what it keeps at
    /// the local value; plus what an interrupted apply of ours wrote
    /// (`interruptedWrites`: the script may record no change there, or keep
    /// a later local edit, yet the peer sent that value and we held it).
    static func agreed(changes: JSON, keptLocal: Set<String>, interrupted: ApplyIntent?, local: JSON?) -> Set<String> {
        Set(changes["fields"]?.objectValue?.keys.map { $0 } ?? []).subtracting(keptLocal)
            .union(interruptedWrites(interrupted, local: local).keys)
    }

    /// The twin's base after an apply: `agreed` fields take their value in
    /// `after`, marked with `mark`.
    /// - Parameter agreedValues: per field, the value the apply agreed on
    ///   (what it wrote, or the local value it found equal). Where `after`
    ///   holds something else, someone wrote the field after us: the base
    ///   keeps the agreed value, so that edit counts as a local change.
    static func record(agreed: Set<String>, after: JSON?, agreedValues: JSON? = nil, mark: BaseMark, into twin: inout Twin) {
        var fields = twin.base?.objectValue ?? [:]
        let current = after?.objectValue ?? [:]
        let values = agreedValues?.objectValue ?? [:]
        for name in agreed {
            let now = current[name] ?? .null
            if let value = values[name], !ConflictResolver.looselyEqual(value, now) {
                fields[name] = value
            } else {
                fields[name] = now
            }
            twin.baseMarks[name] = mark
        }
        twin.base = .object(fields)
    }
}
