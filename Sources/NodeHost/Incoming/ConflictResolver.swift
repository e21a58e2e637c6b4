import Foundation
import TandemJSON

/// Three-way merge of an incoming change set against local edits
/// (docs/conflicts.md).
///
/// For each field the incoming script wants to write, with `base` the
/// field's value at the last sync:
///   - not changed locally since the base (by value, and no edit marked
///     since the peer's replica of ours: `LocalEdits`): apply the incoming value;
///   - changed locally, and the incoming value equals the base (the peer did
///     not change it): keep the local value, drop the write — the local edit
///     is sent by the outgoing stage;
///   - changed on both sides to different values: a conflict, decided by the
///     connection's policy for that field.
/// Values compare loosely, so a script's `"Done"` equals `{"id": …, "name": "Done"}`.
///
/// Symmetry: `remote-wins` on both nodes would swap the values of a
/// simultaneous edit, `local-wins` on both keep them apart. When the peer
/// announced the same rule (`ConflictStance`), both nodes follow one `Tie`
/// instead, so both end with the same value.
struct ConflictResolver {
    struct Conflict: Equatable {
        var field: String
        var local: JSON
        var remote: JSON
        var rule: ConflictPolicy.Rule
        var winner: String
        /// Decided by the tie-break of equal policies, not by the rule alone.
        var tie = false
    }

    /// The peer decides conflicts by `rule` too; `localWins` is the side both
    /// nodes agreed on (`ConflictStance.localWinsTie`).
    struct Tie: Equatable {
        var rule: ConflictPolicy.Rule
        var localWins: Bool
    }

    enum Outcome: Equatable {
        /// Write `changes`; `keptLocal` names the fields whose local value
        /// stays (changed here only, or a conflict the local side won): the
        /// peer does not have those values yet.
        case apply(changes: JSON, conflicts: [Conflict], keptLocal: Set<String>)
        case park(reason: String, conflicts: [Conflict])
    }

    let policy: ConflictPolicy

    /// - Parameters:
    ///   - localTime: when the local entity last changed (ms since the epoch).
    ///   - remoteTime: when the peer noticed its change (ms since the epoch).
    ///   - alsoKnown: per field, a value the peer may hold beside the base
    ///     (`ConflictBase.alsoKnown`): an incoming value equal to it is no
    ///     edit of the peer's. (A local value equal to it is an edit here:
    ///     we had agreed on the base since.)
    ///   - edited: fields edited here since the peer's replica of ours
    ///     (`LocalEdits.edited`), though they may be back at the base value.
    ///   - peerLast: per field, the peer's value as of its last replica we
    ///     applied (`Twin.peerValues`): the same value again is no new edit.
    ///   - tie: set when the peer decides by the same rule as ours.
    func resolve(changes: JSON, local: JSON, base: JSON, alsoKnown: [String: JSON] = [:],
                 edited: Set<String> = [], peerLast: [String: JSON] = [:],
                 localTime: Int64?, remoteTime: Int64?, tie: Tie? = nil) -> Outcome {
        guard var fields = changes["fields"]?.objectValue else { return .apply(changes: changes, conflicts: [], keptLocal: []) }
        let current = local["fields"]?.objectValue ?? [:]
        let baseFields = base.objectValue ?? [:]
        var conflicts: [Conflict] = []
        var keptLocal: Set<String> = []
        for (name, incoming) in fields.sorted(by: { $0.key < $1.key }) {
            let mine = current[name] ?? .null
            let was = baseFields[name] ?? .null
            guard Self.changedHere(name, mine: mine, was: was, edited: edited) else { continue }  // not changed here: apply
            if Self.looselyEqual(incoming, mine) {
                fields[name] = nil                                          // both sides agree
                continue
            }
            let known = [was] + [alsoKnown[name], peerLast[name]].compactMap { $0 }
            if known.contains(where: { Self.looselyEqual(incoming, $0) }) {
                fields[name] = nil                                          // the peer did not change it
                keptLocal.insert(name)
                continue
            }
            let rule = policy.rule(for: name)
            var conflict = Conflict(field: name, local: mine, remote: incoming, rule: rule, winner: "remote")
            if let tie, tie.rule == rule, rule == .remoteWins || rule == .localWins {
                conflict.tie = true
                if tie.localWins {
                    fields[name] = nil
                    keptLocal.insert(name)
                    conflict.winner = "local"
                }
                conflicts.append(conflict)
                continue
            }
            switch rule {
            case .remoteWins:
                break
            case .localWins:
                fields[name] = nil
                keptLocal.insert(name)
                conflict.winner = "local"
            case .newestWins:
                if let localTime, let remoteTime, localTime > remoteTime {
                    fields[name] = nil
                    keptLocal.insert(name)
                    conflict.winner = "local"
                }
            case .park:
                conflict.winner = "none"
            }
            conflicts.append(conflict)
        }
        let parked = conflicts.filter { $0.rule == .park }
        if !parked.isEmpty {
            let detail = parked.map { "field '\($0.field)': local \($0.local.text), remote \($0.remote.text)" }.joined(separator: "; ")
            return .park(reason: "conflict (policy park) on \(detail); edit one side to agree, then `tandem errors retry`, or `tandem errors resolve` to keep the local values",
                         conflicts: conflicts)
        }
        var resolved = changes
        resolved["fields"] = .object(fields)
        return .apply(changes: resolved, conflicts: conflicts, keptLocal: keptLocal)
    }

    /// Whether field `name` changed here since the base `was`: another value,
    /// or an edit marked since the peer's replica of ours (`LocalEdits.edited`).
    static func changedHere(_ name: String, mine: JSON, was: JSON, edited: Set<String>) -> Bool {
        edited.contains(name) || !looselyEqual(mine, was)
    }

    /// Equal as JSON, or a string naming the same thing as an object
    /// (`name`, `email`, `id`, `value` or `display_value`).
    static func looselyEqual(_ left: JSON, _ right: JSON) -> Bool {
        if left == right { return true }
        switch (left, right) {
        case (.string(let text), .object), (.object, .string(let text)):
            let object = left.objectValue ?? right.objectValue ?? [:]
            return ["name", "email", "id", "value", "display_value"].contains { object[$0]?.stringValue == text }
        case (.object(let a), .object(let b)):
            for key in ["id", "email"] { if let x = a[key], x != .null, x == b[key] { return true } }
            return false
        case (.null, .string(let text)), (.string(let text), .null):
            return text.isEmpty
        default:
            return false
        }
    }

    /// The fields changed locally since the base, as the script sees them:
    /// `{field: {base, local}}`.
    static func localChanges(local: JSON, base: JSON?) -> JSON {
        guard let base = base?.objectValue else { return .object([:]) }
        var result: [String: JSON] = [:]
        for (name, value) in local["fields"]?.objectValue ?? [:] where !looselyEqual(value, base[name] ?? .null) {
            result[name] = ["base": base[name] ?? .null, "local": value]
        }
        return .object(result)
    }
}
