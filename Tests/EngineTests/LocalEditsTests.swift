@testable import NodeHost
import TandemJSON
import XCTest

/// Edits here that comparing values with the base cannot see, and values
/// the peer sent before: the races where a peer replica built before the
/// peer saw our latest edit was applied over it.
final class LocalEditsTests: XCTestCase {
    /// One node's view of one entity, driven through the same functions, in
    /// the same order, as `OutgoingStage` and `ReplicaApplier`.
    private struct Side {
        var twin = Twin(connection: "c", localID: "1")
        var local: [String: JSON]
        var sent: [Int64: JSON] = [:]
        let policy: ConflictPolicy.Rule

        init(_ fields: [String: JSON], policy: ConflictPolicy.Rule = .remoteWins) {
            local = fields
            self.policy = policy
            twin.base = .object(fields)
        }

        /// The outgoing stage builds our next replica; its seq.
        @discardableResult
        mutating func send() -> Int64 {
            let seq = twin.nextSeq
            twin.localEdits = LocalEdits.merged(twin.localEdits, LocalEdits.observe(.object(local), newest: sent[seq - 1], twin: twin))
            sent[seq] = .object(local)
            twin.nextSeq = seq + 1
            return seq
        }

        /// Sets `name` to each value in turn, sending a replica after each.
        mutating func send(_ name: String, _ values: [JSON]) {
            for value in values {
                local[name] = value
                send()
            }
        }

        /// Applies a peer replica built after the peer applied our `appliedSeq`,
        /// whose incoming script writes `writes` (what differs from the entity)
        /// and reads `read`.
        @discardableResult
        mutating func apply(_ writes: [String: JSON], read: Set<String> = [], appliedSeq: Int64) -> ConflictResolver.Outcome {
            let entity: JSON = ["fields": .object(local)]
            let changes: JSON = ["fields": .object(writes)]
            let sentFields = appliedSeq > 0 ? sent[appliedSeq] : nil
            let base = ConflictBase.base(of: twin, sent: sentFields, appliedSeq: appliedSeq, local: entity) ?? .null
            let seen = FieldsSeen(twin: twin, local: entity, sent: sentFields, newest: sent[twin.nextSeq - 1], base: base, appliedSeq: appliedSeq,
                                  interrupted: nil, script: changes, touched: read.union(writes.keys))
            let outcome = ConflictResolver(policy: ConflictPolicy(default: policy, fields: [:]))
                .resolve(changes: changes, local: entity, base: base,
                         alsoKnown: ConflictBase.alsoKnown(of: twin, sent: sentFields, appliedSeq: appliedSeq),
                         edited: seen.edited, peerLast: seen.peerLast, localTime: nil, remoteTime: nil)
            guard case .apply(let written, _, let kept) = outcome else { return outcome }
            let agreed = ConflictBase.agreed(changes: changes, keptLocal: kept, interrupted: nil, local: entity)
            local.merge(written["fields"]?.objectValue ?? [:]) { $1 }
            ConflictBase.record(agreed: agreed, after: .object(local), agreedValues: .object(local),
                                mark: BaseMark(ours: twin.nextSeq - 1, peerApplied: appliedSeq), into: &twin)
            seen.save(agreed: agreed, into: &twin)
            return outcome
        }
    }

    private func conflicts(_ outcome: ConflictResolver.Outcome) -> [String] {
        switch outcome {
        case .apply(_, let conflicts, _), .park(_, let conflicts): conflicts.map(\.field)
        }
    }

    // MARK: What a look at the entity marks

    func testAFieldMovedSinceOurNewestReplica_IsMarkedWithTheNextSeq() {
        var side = Side(["status": "To Do", "summary": "s"])
        side.send()
        side.local["status"] = "Done"
        XCTAssertEqual(LocalEdits.observe(.object(side.local), newest: side.sent[1], twin: side.twin), ["status": 2])
    }

    func testAValueAnApplyWroteSinceOurNewestReplica_IsOurWriteNotAnEdit() {
        var side = Side(["status": "To Do"])
        side.send()
        side.apply(["status": "Done"], appliedSeq: 1)
        XCTAssertEqual(LocalEdits.observe(.object(side.local), newest: side.sent[1], twin: side.twin), [:])
        side.send()
        XCTAssertEqual(side.twin.localEdits, [:], "the echo of the peer's value is no edit here")
    }

    func testAFieldAnInterruptedApplyWrote_IsNotMarked() {
        var side = Side(["status": "To Do"])
        side.send()
        side.local["status"] = "In Progress"
        XCTAssertEqual(LocalEdits.observe(.object(side.local), newest: side.sent[1], twin: side.twin, skipping: ["status"]), [:])
    }

    func testAnApplyThatAgreesOnAField_ClearsItsMark() {
        var side = Side(["status": "To Do"])
        side.send()
        side.local["status"] = "Done"
        side.send()
        side.apply(["status": "In Progress"], appliedSeq: 2)
        XCTAssertNil(side.twin.localEdits["status"])
    }

    func testAnEditThePeerHasApplied_IsNoLongerEditedSince() {
        XCTAssertEqual(LocalEdits.edited(["status": 3, "summary": 5], since: 4, sent: ["status": "a", "summary": "a"],
                                         newest: ["status": "b", "summary": "b"]), ["summary"])
    }

    /// Our newest replica carries the value the peer saw in `appliedSeq`: the
    /// peer, applying only the newest of our queued replicas, sees no change.
    func testAnEditEndingAtTheValueThePeerSaw_IsNoEditHere() {
        XCTAssertEqual(LocalEdits.edited(["priority": 30], since: 28, sent: ["priority": "Highest"], newest: ["priority": "Highest"]), [])
    }

    // MARK: The races

    /// Jira sent Done (replica 2), then To Do (3); a person set Done again.
    /// The peer's replica, built after it applied 2, brought its own edit In
    /// Progress. Done equals what the peer saw in 2, so the field looked
    /// untouched here and In Progress was written over the person's edit
    /// without a conflict.
    func testAReturnToAValueThePeerSaw_UnderAReplicaBuiltBeforeIt_IsAConflictNotAnOverwrite() {
        var jira = Side(["status": "To Do"], policy: .localWins)
        jira.send()
        jira.send("status", ["Done", "To Do"])
        jira.local["status"] = "Done"
        let outcome = jira.apply(["status": "In Progress"], appliedSeq: 2)
        XCTAssertEqual(conflicts(outcome), ["status"])
        XCTAssertEqual(jira.local["status"], "Done", "local-wins keeps the person's edit")
    }

    /// The same return to Done, not yet sent when the replica arrives: the
    /// apply's own read sees it moved from To Do, which our newest replica carried.
    func testAnUnsentReturnToAValueThePeerSaw_IsAlsoAnEditHere() {
        var jira = Side(["status": "To Do"], policy: .localWins)
        jira.send()
        jira.send("status", ["Done", "To Do"])
        jira.local["status"] = "Done"
        jira.twin.localEdits = [:]  // as if the outgoing stage had seen neither edit: only the apply's read can tell
        XCTAssertEqual(conflicts(jira.apply(["status": "In Progress"], appliedSeq: 2)), ["status"])
    }

    /// Both sides set Lowest on their own; the peer's replica said Lowest
    /// while the incident held it, so the script wrote nothing and the base
    /// kept High. A person then set High back. The peer's next replica,
    /// built before it applied our Lowest, still said Lowest: judged against
    /// the old base, High looked untouched and Lowest overwrote it.
    func testAValueBothSidesMovedTo_ComingBackInAStaleReplica_DoesNotUndoALaterEditHere() {
        var green = Side(["priority": "High"])
        green.send()
        green.local["priority"] = "Lowest"
        green.send()
        green.apply([:], read: ["priority"], appliedSeq: 1)  // the peer's Lowest, equal here
        green.local["priority"] = "High"
        let outcome = green.apply(["priority": "Lowest"], read: ["priority"], appliedSeq: 1)
        XCTAssertEqual(conflicts(outcome), [], "the peer's Lowest is no new edit")
        XCTAssertEqual(green.local["priority"], "High")
    }

    /// The same with our Lowest never sent: High is what the peer last got
    /// from us, and our next replica would not differ from it, so the peer
    /// would never hear of the person's High. Both sides end at Lowest
    /// rather than apart (docs/conflicts.md says so).
    func testABackToTheValueWeLastSent_BeforeTheEditWasSent_TakesThePeersValue_SoTheSidesStayEqual() {
        var green = Side(["priority": "High"])
        green.send()
        green.local["priority"] = "Lowest"
        green.apply([:], read: ["priority"], appliedSeq: 1)
        green.local["priority"] = "High"
        XCTAssertEqual(conflicts(green.apply(["priority": "Lowest"], read: ["priority"], appliedSeq: 1)), [])
        XCTAssertEqual(green.local["priority"], "Lowest")
    }

    /// Jira went High then Highest, the value ServiceNow had last seen from
    /// it; ServiceNow's node applied both as one and saw no change, kept a
    /// person's High there and sent it. Counting Highest as an edit here
    /// made the Jira node keep it as a conflict: the sides stayed apart.
    func testAnEditBackToTheValueThePeerSaw_ThePeersNewerValueIsTaken() {
        var jira = Side(["priority": "Medium"], policy: .localWins)
        jira.send()
        jira.send("priority", ["Highest", "High", "Highest"])
        XCTAssertEqual(conflicts(jira.apply(["priority": "High"], appliedSeq: 2)), [])
        XCTAssertEqual(jira.local["priority"], "High")
    }

    /// A person set High here (not sent) while our Low was in flight; the
    /// peer's stale High, built before it saw our Low, equals it. The peer
    /// then applied our Low, and its next replica carries Low back: that is
    /// our own value, not an edit of the peer's, so the person's High stays.
    func testAStaleValueEqualToAnUnsentEdit_DoesNotMakeTheEchoOfOurReplicaAnEditOfThePeers() {
        var side = Side(["priority": "High"])
        side.send()
        side.local["priority"] = "Low"
        side.send()
        side.local["priority"] = "High"
        side.apply([:], read: ["priority"], appliedSeq: 1)
        XCTAssertEqual(conflicts(side.apply(["priority": "Low"], read: ["priority"], appliedSeq: 2)), [])
        XCTAssertEqual(side.local["priority"], "High")
    }

    // MARK: One side only is never a conflict

    func testEditsOnThePeerOnly_EachAfterTheLastReachedUs_AreNeverConflicts() {
        var side = Side(["summary": "s0"])
        side.send()
        for round in 1...5 {
            XCTAssertEqual(conflicts(side.apply(["summary": .string("s\(round)")], appliedSeq: 1)), [])
            side.send()  // our echo of it
        }
        XCTAssertEqual(side.local["summary"], "s5")
        XCTAssertEqual(side.twin.localEdits, [:])
    }

    func testEditsHereOnly_AreNeverConflictsWhateverThePeerSendsBack() {
        var side = Side(["summary": "s0"])
        side.send()
        for round in 1...5 {
            side.local["summary"] = .string("s\(round)")
            let seq = side.send()
            // The peer's replica of something else, built after it applied ours.
            XCTAssertEqual(conflicts(side.apply([:], read: ["summary"], appliedSeq: seq)), [])
        }
        XCTAssertEqual(side.local["summary"], "s5")
    }
}
