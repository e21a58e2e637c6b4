import Foundation
import TandemJSON

/// The invariants of a history, checked once both nodes are quiet, against
/// what the trackers hold and what the nodes logged.
///
/// 1. Every entity created in either tracker exists exactly once in the
///    other, linked to it, and nothing else exists.
/// 2. Every comment and attachment (by SHA-256) made on either side exists
///    exactly once on both sides.
/// 3. Each pair's mapped fields are equal on both sides; a field edited in
///    one tracker only (or in turn, each edit after the previous one showed)
///    holds the last value written; a field edited freely on both sides
///    holds one side's last write.
/// 4. No conflict is logged for a field only one side edited, nor for one
///    edited in turn.
struct HistoryChecker {
    struct Violation: CustomStringConvertible {
        let invariant: String
        let entity: String
        let detail: String
        /// The events of the history that show it.
        let events: [HistoryEvent]
        /// Node log lines about the entity.
        let logLines: [String]

        var description: String {
            var text = "VIOLATED: \(invariant)\n  entity: \(entity)\n  \(detail)\n"
            if !events.isEmpty { text += "  history (\(events.count) events):\n" + events.map { "    \($0)" }.joined(separator: "\n") + "\n" }
            if !logLines.isEmpty { text += "  node log lines:\n" + logLines.map { "    \($0.prefix(400))" }.joined(separator: "\n") + "\n" }
            return text
        }
    }

    /// A conflict a node logged: on `node`, about the peer entity `entity`, on local `field`.
    struct LoggedConflict {
        let node: String
        let entity: String
        let field: String
        let line: String
    }

    let plan: HistoryPlan
    let pairs: [Int: HistoryPairIDs]
    let events: [HistoryEvent]
    let trackers: HistoryTrackers
    /// Each node's log (all its runs).
    let logs: [String: String]

    func check() throws -> [Violation] {
        var violations: [Violation] = []
        let jira = try trackers.entities(.jira), serviceNow = try trackers.entities(.serviceNow)
        violations += checkEntities(jira: jira, serviceNow: serviceNow)
        let byID = Dictionary((jira + serviceNow).map { ($0.id, $0) }) { first, _ in first }
        for pair in plan.pairs {
            guard let ids = pairs[pair.index] else { continue }
            let pairEvents = events.filter { $0.operation.pair == pair.index }
            violations += try checkChildren(pair, ids, pairEvents)
            violations += checkFields(pair, ids, pairEvents, jira: byID[ids.jira.id], serviceNow: byID[ids.serviceNow.id])
        }
        violations += checkConflicts()
        return violations
    }

    // MARK: 1. Entities

    private func checkEntities(jira: [HistoryTrackers.Entity], serviceNow: [HistoryTrackers.Entity]) -> [Violation] {
        var violations: [Violation] = []
        var origins: [(side: HistorySide, id: String, key: String, event: HistoryEvent?)] = []
        for pair in plan.pairs {
            guard let ids = pairs[pair.index] else { continue }
            origins.append((pair.origin, ids.ids(pair.origin).id, ids.ids(pair.origin).key, nil))
        }
        for event in events {
            guard case .create = event.operation.action else { continue }
            if let entity = event.entity, event.outcome == .done { origins.append((event.operation.side, entity.id, entity.key, event)) }
        }
        for origin in origins {
            let twins = (origin.side == .jira ? serviceNow : jira).filter { $0.createdFrom == origin.id }
            if twins.count != 1 {
                violations.append(Violation(invariant: "every entity created in one tracker exists exactly once in the other",
                                            entity: "\(origin.key) (\(origin.side.rawValue))",
                                            detail: "\(twins.count) twins in \(origin.side.other.rawValue): \(twins.map(\.key))",
                                            events: origin.event.map { [$0] } ?? [], logLines: logLines(mentioning: [origin.key, origin.id])))
            }
        }
        let made = Set(origins.map(\.id))
        for entity in jira + serviceNow where !made.contains(entity.id) && !(entity.createdFrom.map(made.contains) ?? false) {
            violations.append(Violation(invariant: "nothing exists that no one created",
                                        entity: "\(entity.key) (\(entity.side.rawValue))",
                                        detail: "created from \(entity.createdFrom ?? "nothing known"), summary \"\(entity.fields[.summary] ?? "")\"",
                                        events: [], logLines: logLines(mentioning: [entity.key])))
        }
        return violations
    }

    // MARK: 2. Comments and attachments

    private func checkChildren(_ pair: HistoryPlan.Pair, _ ids: HistoryPairIDs, _ pairEvents: [HistoryEvent]) throws -> [Violation] {
        var violations: [Violation] = []
        let comments = (jira: try trackers.comments(.jira, id: ids.jira.id, key: ids.jira.key),
                        serviceNow: try trackers.comments(.serviceNow, id: ids.serviceNow.id, key: ids.serviceNow.key))
        let digests = (jira: try trackers.attachmentDigests(.jira, id: ids.jira.id, key: ids.jira.key),
                       serviceNow: try trackers.attachmentDigests(.serviceNow, id: ids.serviceNow.id, key: ids.serviceNow.key))
        for event in pairEvents {
            let counts: (jira: Int, serviceNow: Int)
            let what: String
            switch event.operation.action {
            case .comment(let body):
                // A synced comment carries its author before the body, so match the unique token.
                let carries = { (comment: String) in comment == body || comment.hasSuffix(" " + body) }
                let found = (comments.jira.filter(carries), comments.serviceNow.filter(carries))
                counts = (found.0.count, found.1.count)
                what = "comment \"\(body)\" (Jira has \(found.0), ServiceNow \(found.1))"
            case .attach(let filename, let bytes):
                let digest = HistoryTrackers.digest(bytes)
                counts = (digests.jira.filter { $0 == digest }.count, digests.serviceNow.filter { $0 == digest }.count)
                what = "attachment \(filename) (sha256 \(digest.prefix(12))…)"
            default: continue
            }
            // A change whose request failed may or may not exist, but never twice, and never on one side only.
            let failed = event.outcome != .done
            let good = failed ? counts.jira == counts.serviceNow && counts.jira <= 1 : counts == (1, 1)
            if !good {
                violations.append(Violation(invariant: "every comment and attachment exists exactly once on both sides",
                                            entity: "pair \(pair.index) \(ids.jira.key) ↔ \(ids.serviceNow.key) (\(pair.mode.label))",
                                            detail: "\(what), made in \(event.operation.side.rawValue): \(counts.jira) in Jira, \(counts.serviceNow) in ServiceNow",
                                            events: [event], logLines: logLines(mentioning: [ids.jira.key, ids.serviceNow.key])))
            }
        }
        return violations
    }

    // MARK: 3. Fields

    private func checkFields(_ pair: HistoryPlan.Pair, _ ids: HistoryPairIDs, _ pairEvents: [HistoryEvent],
                             jira: HistoryTrackers.Entity?, serviceNow: HistoryTrackers.Entity?) -> [Violation] {
        guard let jira, let serviceNow else { return [] }  // reported by checkEntities
        var violations: [Violation] = []
        for field in HistoryField.allCases {
            let edits = pairEvents.filter { if case .edit(field, _) = $0.operation.action { true } else { false } }
            let value = { (event: HistoryEvent) -> String in if case .edit(_, let value) = event.operation.action { value } else { "" } }
            let last = { (side: HistorySide) in edits.last { $0.operation.side == side } }
            let actual = (jira: jira.fields[field] ?? "", serviceNow: serviceNow.fields[field] ?? "")
            // Values a failed request may or may not have written are acceptable too.
            let uncertain = Set(edits.filter { $0.outcome != .done }.map(value))
            let entity = "pair \(pair.index) \(ids.jira.key) ↔ \(ids.serviceNow.key) (\(pair.mode.label)), field \(field.rawValue)"
            let shown = "Jira \"\(actual.jira)\", ServiceNow \"\(actual.serviceNow)\""
            // The shortest history that explains the outcome: from the edit that
            // wrote a value the trackers now show, to the end (else the last six).
            let shownSince = edits.lastIndex { [actual.jira, actual.serviceNow].contains(value($0)) }
            let slice = Array(shownSince.map { edits[$0...] } ?? edits.suffix(6))
            let fail = { (invariant: String, detail: String) in
                violations.append(Violation(invariant: invariant, entity: entity, detail: detail, events: slice,
                                            logLines: logLines(mentioning: [ids.jira.key, ids.serviceNow.key])))
            }
            if !field.crosses {
                for side in HistorySide.allCases {
                    if let last = last(side), last.outcome == .done, value(last) != (side == .jira ? actual.jira : actual.serviceNow),
                       edits.allSatisfy({ $0.operation.side == side }) {
                        fail("a field edited in one tracker only holds the last value written there",
                             "last written in \(side.rawValue): \"\(value(last))\"; now \(shown)")
                    }
                }
                continue
            }
            if actual.jira != actual.serviceNow {
                fail("every mapped field is equal on both sides", "now \(shown)")
                continue
            }
            guard let newest = edits.last else { continue }
            let sides = Set(edits.map(\.operation.side))
            let inTurn = pair.mode == .alternating && edits.allSatisfy { $0.settled != false }
            if sides.count == 1 || inTurn {
                if value(newest) != actual.jira && !uncertain.contains(actual.jira) {
                    fail(sides.count == 1 ? "a field edited in one tracker only holds the last value written there"
                                          : "a field edited in turn (each edit after the previous one showed) holds the last value written",
                         "last written: \"\(value(newest))\" in \(newest.operation.side.rawValue); now \(shown)")
                }
            } else {
                let finals = Set(HistorySide.allCases.compactMap { last($0).map(value) })
                if !finals.contains(actual.jira) && !uncertain.contains(actual.jira) {
                    fail("a field edited on both sides holds one side's last write",
                         "last writes: \(finals.sorted()); now \(shown)")
                }
            }
        }
        return violations
    }

    // MARK: 4. Conflicts

    /// Every conflict line in the nodes' logs.
    var loggedConflicts: [LoggedConflict] {
        logs.flatMap { node, text in
            text.split(separator: "\n").compactMap { line -> LoggedConflict? in
                guard line.contains("conflict on field"), let json = try? JSON(parsing: String(line)),
                      let message = json["msg"]?.stringValue, let entity = json["entity"]?.stringValue,
                      let start = message.range(of: "conflict on field '") else { return nil }
                let field = message[start.upperBound...].prefix { $0 != "'" }
                return LoggedConflict(node: node, entity: entity, field: String(field), line: String(line))
            }
        }
    }

    private func checkConflicts() -> [Violation] {
        var violations: [Violation] = []
        for conflict in loggedConflicts {
            let side: HistorySide = conflict.node == "blue" ? .jira : .serviceNow
            guard let (index, ids) = pairs.first(where: { [$0.value.jira.key, $0.value.jira.id, $0.value.serviceNow.key, $0.value.serviceNow.id]
                    .contains(conflict.entity) }) else {
                violations.append(Violation(invariant: "no conflict unless both sides edited the field",
                                            entity: conflict.entity, detail: "conflict on an entity no pair of the run has",
                                            events: [], logLines: [conflict.line]))
                continue
            }
            let pair = plan.pairs[index]
            guard let field = HistoryField.allCases.first(where: { $0.name(in: side) == conflict.field }) else { continue }
            let edits = events.filter { event in
                guard event.operation.pair == index, case .edit(field, _) = event.operation.action else { return false }
                return true
            }
            let sides = Set(edits.map(\.operation.side))
            if sides.count < 2 || (pair.mode == .alternating && edits.allSatisfy { $0.settled != false }) {
                violations.append(Violation(
                    invariant: sides.count < 2 ? "no conflict when only one side edited the field"
                                               : "an edit made after the previous one showed on the other side is never a conflict",
                    entity: "pair \(index) \(ids.jira.key) ↔ \(ids.serviceNow.key) (\(pair.mode.label)), field \(field.rawValue), on node \(conflict.node)",
                    detail: "edited in \(sides.map(\.rawValue).sorted()) only", events: edits, logLines: [conflict.line]))
            }
        }
        return violations
    }

    /// The nodes' log lines naming one of `needles`: its warnings and errors
    /// (conflicts, parks; the last 10) and its last 8 other lines, per node.
    private func logLines(mentioning needles: [String]) -> [String] {
        logs.sorted { $0.key < $1.key }.flatMap { node, text in
            let lines = text.split(separator: "\n").filter { line in needles.contains { !$0.isEmpty && line.contains("\"\($0)\"") } }
            let loud = lines.filter { $0.contains("\"level\":\"warn\"") || $0.contains("\"level\":\"error\"") }
            let quiet = lines.filter { !$0.contains("\"level\":\"warn\"") && !$0.contains("\"level\":\"error\"") }
            return (loud.suffix(10) + quiet.suffix(8)).map { "\(node): \($0)" }
        }
    }
}
