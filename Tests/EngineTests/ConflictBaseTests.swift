@testable import NodeHost
import TandemJSON
import XCTest

/// Which local values count as known to both nodes when a peer replica arrives.
final class ConflictBaseTests: XCTestCase {
    private func twin(base: JSON, marks: [String: Int64], nextSeq: Int64 = 3) -> Twin {
        var twin = Twin(connection: "c", localID: "1")
        twin.base = base
        twin.baseMarks = marks.mapValues { BaseMark(ours: $0, peerApplied: $0) }
        twin.nextSeq = nextSeq
        return twin
    }

    func testAValueAgreedByAnApplyAfterOurReplica_IsTheBase() {
        // We sent replica 1 with "old"; later applied the peer's "edit1" (our newest replica then: 1).
        let base = ConflictBase.base(of: twin(base: ["summary": "edit1"], marks: ["summary": 1]),
                                     sent: ["summary": "old"], appliedSeq: 1)
        XCTAssertEqual(base?["summary"], "edit1")
    }

    func testOurReplicaSentAfterTheLastApply_IsTheBase() {
        // Applied the peer's "edit1" while our newest replica was 1; then sent replica 2 with "mine"; the peer applied 2.
        let base = ConflictBase.base(of: twin(base: ["summary": "edit1"], marks: ["summary": 1]),
                                     sent: ["summary": "mine"], appliedSeq: 2)
        XCTAssertEqual(base?["summary"], "mine")
    }

    func testWithoutTheSentFields_TheAgreedBaseStands() {
        XCTAssertEqual(ConflictBase.base(of: twin(base: ["summary": "edit1"], marks: [:]), sent: nil, appliedSeq: 4),
                       ["summary": "edit1"])
    }

    func testRecord_MovesOnlyTheAgreedFields() {
        var twin = twin(base: ["summary": "old", "priority": "Low"], marks: ["priority": 1])
        ConflictBase.record(agreed: ["summary"], after: ["summary": "new", "priority": "High"], mark: BaseMark(ours: 2, peerApplied: 2), into: &twin)
        XCTAssertEqual(twin.base, ["summary": "new", "priority": "Low"], "a value kept locally is not known to the peer yet")
        XCTAssertEqual(twin.baseMarks.mapValues(\.ours), ["summary": 2, "priority": 1])
    }

    /// Green wrote Jira's Lowest while a person set Highest in ServiceNow;
    /// the read after the apply holds Highest. Recording that as agreed made
    /// the person's edit look like the base, so Jira's next replica (still
    /// Lowest) overwrote it without a conflict while Highest went to Jira:
    /// the sides swapped and stayed apart.
    func testRecord_AFieldSomeoneWroteAfterUs_KeepsTheValueTheApplyAgreedOn() {
        var twin = twin(base: ["priority": "4 - Low"], marks: [:])
        ConflictBase.record(agreed: ["priority"], after: ["priority": ["id": "1", "name": "1 - Critical"]],
                            agreedValues: ["priority": "5 - Planning"], mark: BaseMark(ours: 2, peerApplied: 2), into: &twin)
        XCTAssertEqual(twin.base?["priority"], "5 - Planning", "the later edit is a local change the peer has not seen")
    }

    func testRecord_AWriteTheTrackerNormalized_TakesTheTrackersForm() {
        var twin = twin(base: ["priority": "4 - Low"], marks: [:])
        ConflictBase.record(agreed: ["priority"], after: ["priority": ["id": "5", "name": "5 - Planning"]],
                            agreedValues: ["priority": "5 - Planning"], mark: BaseMark(ours: 2, peerApplied: 2), into: &twin)
        XCTAssertEqual(twin.base?["priority"], ["id": "5", "name": "5 - Planning"])
    }

    /// A node killed after writing the peer's values and before recording
    /// the apply finds, on the retry, the entity already holding them: the
    /// script records no change there. Those fields are still agreed, or the
    /// next peer replica takes our own write for a local edit (a false
    /// conflict that, under remote-wins on the other node, brings an old
    /// value back over a newer one).
    func testAgreed_WhatAnInterruptedApplyWrote_IsAgreed() {
        let intent = ApplyIntent(localID: "1", seq: 11, written: ["summary": "s1306", "description": "d1401"],
                                 before: ["summary": "old", "description": "old"])
        let local: JSON = ["fields": ["summary": "s1306", "description": "someone else"]]
        let agreed = ConflictBase.agreed(changes: ["fields": [:]], keptLocal: [], interrupted: intent, local: local)
        XCTAssertEqual(agreed, ["summary", "description"], "what we wrote is known to both, even where someone wrote after us")
    }

    /// The apply was interrupted after writing "In Progress"; a person then
    /// set "Done". The retried replica still brings "In Progress": that is no
    /// edit of the peer's, so the person's later edit stays without a conflict.
    func testBase_AnInterruptedWriteSomeoneChangedSince_IsTheBase() {
        let intent = ApplyIntent(localID: "1", seq: 2, written: ["status": "In Progress"], before: ["status": "To Do"])
        let base = ConflictBase.base(of: twin(base: ["status": "To Do"], marks: [:]), sent: nil, appliedSeq: 1,
                                     interrupted: intent, local: ["fields": ["status": "Done"]])
        XCTAssertEqual(base?["status"], "In Progress")
    }

    func testBase_AFieldBackAtItsValueBeforeTheInterruptedApply_KeepsTheBase() {
        let intent = ApplyIntent(localID: "1", seq: 2, written: ["status": "In Progress"], before: ["status": "To Do"])
        let base = ConflictBase.base(of: twin(base: ["status": "To Do"], marks: [:]), sent: nil, appliedSeq: 1,
                                     interrupted: intent, local: ["fields": ["status": "To Do"]])
        XCTAssertEqual(base?["status"], "To Do", "the write may never have happened: the peer's value must still be applied")
    }

    /// The connector walks Jira's workflow one transition at a time; the apply
    /// writing "Done" was cut after To Do → In Progress. "In Progress" is a
    /// third value, but the connector reports its own account wrote it: the
    /// write is still under way, so the retry writes "Done" again, under any
    /// policy, with no conflict.
    private let cutTransition = ApplyIntent(localID: "1", seq: 2, written: ["status": "Done"], before: ["status": "To Do"])

    func testBase_AThirdValueTheConnectorReportsAsItsOwn_IsNoLocalEdit() {
        let local: JSON = ["fields": ["status": ["id": "3", "name": "In Progress"]], "changedByConnector": ["status"]]
        let base = ConflictBase.base(of: twin(base: ["status": "To Do"], marks: [:]), sent: nil, appliedSeq: 1,
                                     interrupted: cutTransition, local: local) ?? .null
        for rule in [ConflictPolicy.Rule.localWins, .remoteWins, .park] {
            let outcome = ConflictResolver(policy: ConflictPolicy(default: rule, fields: [:]))
                .resolve(changes: ["fields": ["status": "Done"]], local: local, base: base, localTime: nil, remoteTime: nil)
            XCTAssertEqual(outcome, .apply(changes: ["fields": ["status": "Done"]], conflicts: [], keptLocal: []), "\(rule)")
        }
    }

    func testAgreed_AThirdValueTheConnectorReportsAsItsOwn_IsNotAgreed() {
        let local: JSON = ["fields": ["status": "In Progress"], "changedByConnector": ["status"]]
        XCTAssertEqual(ConflictBase.interruptedWrites(cutTransition, local: local), [:], "the written value never landed")
        XCTAssertEqual(ConflictBase.agreed(changes: ["fields": [:]], keptLocal: [], interrupted: cutTransition, local: local), [])
    }

    /// Only the fields the connector names: a person's "In Progress" is still
    /// an edit made after our write (`testBase_AnInterruptedWriteSomeoneChangedSince_IsTheBase`).
    func testBase_AThirdValueTheConnectorDoesNotReportAsItsOwn_IsStillALocalEdit() {
        let local: JSON = ["fields": ["status": "In Progress", "summary": "s"], "changedByConnector": ["summary"]]
        let base = ConflictBase.base(of: twin(base: ["status": "To Do"], marks: [:]), sent: nil, appliedSeq: 1,
                                     interrupted: cutTransition, local: local)
        XCTAssertEqual(base?["status"], "Done")
    }

    func testUndone_AStepOfTheWriteUnderWay_IsPutBackToItsValueBefore() {
        let local: JSON = ["fields": ["status": "In Progress"], "changedByConnector": ["status"]]
        XCTAssertEqual(cutTransition.undone(local)["fields"], ["status": "To Do"])
    }

    func testAgreed_AFieldKeptLocal_IsNotAgreed() {
        let agreed = ConflictBase.agreed(changes: ["fields": ["summary": "theirs", "priority": "High"]], keptLocal: ["summary"],
                                         interrupted: nil, local: ["fields": [:]])
        XCTAssertEqual(agreed, ["priority"])
    }

    /// Green sent replica 20 (description "S") while Jira's replica, built
    /// before Jira applied 20, brought "J", which green agreed on. Jira then
    /// applied 20 and sent its next replica: by its policy it holds "S" or
    /// kept "J"; neither is an edit, so a person's later "L" in ServiceNow stays.
    private func crossedTwin() -> Twin {
        var twin = twin(base: ["description": "J"], marks: [:])
        twin.baseMarks["description"] = BaseMark(ours: 20, peerApplied: 19)
        return twin
    }

    func testCrossedReplicas_OurValueThePeerAppliedSince_IsAlsoKnown() {
        XCTAssertEqual(ConflictBase.alsoKnown(of: crossedTwin(), sent: ["description": "S"], appliedSeq: 20), ["description": "S"])
    }

    func testUncrossedReplicas_HaveOnlyTheBase() {
        var twin = crossedTwin()
        twin.baseMarks["description"] = BaseMark(ours: 20, peerApplied: 20)
        XCTAssertEqual(ConflictBase.alsoKnown(of: twin, sent: ["description": "S"], appliedSeq: 20), [:])
    }

    func testCrossedReplicas_EitherValueComingBack_KeepsALaterLocalEdit() {
        let twin = crossedTwin()
        let base = ConflictBase.base(of: twin, sent: ["description": "S"], appliedSeq: 20) ?? .null
        let alsoKnown = ConflictBase.alsoKnown(of: twin, sent: ["description": "S"], appliedSeq: 20)
        for incoming: JSON in ["S", "J"] {
            let outcome = ConflictResolver(policy: ConflictPolicy(default: .remoteWins, fields: [:]))
                .resolve(changes: ["fields": ["description": incoming]], local: ["fields": ["description": "L"]], base: base,
                         alsoKnown: alsoKnown, localTime: nil, remoteTime: nil)
            XCTAssertEqual(outcome, .apply(changes: ["fields": [:]], conflicts: [], keptLocal: ["description"]), "incoming \(incoming)")
        }
    }

    /// After the crossing we hold the peer's "J"; a person sets our older
    /// value "S" again (A→B→A). The peer's next replica, still "J", must not
    /// undo it: "S" here is an edit, though the peer once knew it.
    func testCrossedReplicas_ALocalReturnToOurOlderValue_IsAnEdit() {
        let twin = crossedTwin()
        let base = ConflictBase.base(of: twin, sent: ["description": "S"], appliedSeq: 20) ?? .null
        let outcome = ConflictResolver(policy: ConflictPolicy(default: .remoteWins, fields: [:]))
            .resolve(changes: ["fields": ["description": "J"]], local: ["fields": ["description": "S"]], base: base,
                     alsoKnown: ConflictBase.alsoKnown(of: twin, sent: ["description": "S"], appliedSeq: 20), localTime: nil, remoteTime: nil)
        XCTAssertEqual(outcome, .apply(changes: ["fields": [:]], conflicts: [], keptLocal: ["description"]))
    }
}
