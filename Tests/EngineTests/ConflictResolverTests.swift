@testable import NodeHost
import TandemJSON
import XCTest

/// Three-way decisions per field, against the base of the last sync.
final class ConflictResolverTests: XCTestCase {
    private let base: JSON = ["summary": "base", "priority": ["id": "3", "name": "Medium"], "status": ["name": "To Do"]]
    private let local: JSON = ["fields": ["summary": "local edit", "priority": ["id": "3", "name": "Medium"], "status": ["name": "To Do"]]]

    private func resolve(_ incoming: JSON, _ policy: ConflictPolicy, localTime: Int64 = 1_000, remoteTime: Int64 = 2_000)
        -> ConflictResolver.Outcome {
        ConflictResolver(policy: policy).resolve(changes: ["fields": incoming], local: local, base: base,
                                                 localTime: localTime, remoteTime: remoteTime)
    }

    private func applied(_ outcome: ConflictResolver.Outcome) -> JSON? {
        if case .apply(let changes, _, _) = outcome { return changes["fields"] }
        return nil
    }

    func testFieldUnchangedHere_TakesTheIncomingValue() {
        let outcome = resolve(["priority": "High"], ConflictPolicy(default: .localWins, fields: [:]))
        XCTAssertEqual(applied(outcome), ["priority": "High"])
    }

    func testFieldChangedOnlyHere_KeepsTheLocalValue_WithoutAConflict() {
        let outcome = resolve(["summary": "base"], ConflictPolicy(default: .remoteWins, fields: [:]))
        XCTAssertEqual(outcome, .apply(changes: ["fields": [:]], conflicts: [], keptLocal: ["summary"]))
    }

    func testBothSidesChanged_RemoteWins() {
        let outcome = resolve(["summary": "remote edit"], ConflictPolicy(default: .remoteWins, fields: [:]))
        XCTAssertEqual(applied(outcome), ["summary": "remote edit"])
        guard case .apply(_, let conflicts, _) = outcome else { return XCTFail() }
        XCTAssertEqual(conflicts.map(\.winner), ["remote"])
    }

    func testBothSidesChanged_LocalWins() {
        XCTAssertEqual(applied(resolve(["summary": "remote edit"], ConflictPolicy(default: .localWins, fields: [:]))), [:])
    }

    func testBothSidesChanged_NewestWins_ByTime() {
        let policy = ConflictPolicy(default: .newestWins, fields: [:])
        XCTAssertEqual(applied(resolve(["summary": "remote edit"], policy, localTime: 1_000, remoteTime: 2_000)), ["summary": "remote edit"])
        XCTAssertEqual(applied(resolve(["summary": "remote edit"], policy, localTime: 3_000, remoteTime: 2_000)), [:])
    }

    func testBothSidesChanged_Park_NamesFieldAndValues() {
        guard case .park(let reason, _) = resolve(["summary": "remote edit"], ConflictPolicy(default: .park, fields: [:])) else {
            return XCTFail("expected park")
        }
        XCTAssertTrue(reason.contains("field 'summary': local \"local edit\", remote \"remote edit\""), reason)
    }

    func testEqualRulesOnBothNodes_TheTieDecides_NotTheRule() {
        let remoteWins = ConflictPolicy(default: .remoteWins, fields: [:])
        let keep = ConflictResolver.Tie(rule: .remoteWins, localWins: true)
        let take = ConflictResolver.Tie(rule: .remoteWins, localWins: false)
        func resolve(_ tie: ConflictResolver.Tie) -> ConflictResolver.Outcome {
            ConflictResolver(policy: remoteWins).resolve(changes: ["fields": ["summary": "remote edit"]], local: local, base: base,
                                                         localTime: 1_000, remoteTime: 2_000, tie: tie)
        }
        XCTAssertEqual(applied(resolve(keep)), [:])
        XCTAssertEqual(applied(resolve(take)), ["summary": "remote edit"])
        guard case .apply(_, let conflicts, let kept) = resolve(keep) else { return XCTFail() }
        XCTAssertEqual(conflicts.map(\.tie), [true])
        XCTAssertEqual(kept, ["summary"])
    }

    func testATieOfAnotherRule_LeavesTheRuleToDecide() {
        let tie = ConflictResolver.Tie(rule: .localWins, localWins: true)
        let outcome = ConflictResolver(policy: ConflictPolicy(default: .remoteWins, fields: [:]))
            .resolve(changes: ["fields": ["summary": "remote edit"]], local: local, base: base, localTime: nil, remoteTime: nil, tie: tie)
        XCTAssertEqual(applied(outcome), ["summary": "remote edit"])
    }

    func testStance_BothNodesReachOppositeAnswers_ByNodeName_ThenByEntityID() {
        let blue = ConflictStance(rule: .remoteWins, node: "blue"), green = ConflictStance(rule: .remoteWins, node: "green")
        XCTAssertTrue(green.localWinsTie(with: blue, localID: "10001", remoteID: "abc"))
        XCTAssertFalse(blue.localWinsTie(with: green, localID: "abc", remoteID: "10001"))
        let twin = ConflictStance(rule: .remoteWins, node: "blue")
        XCTAssertNotEqual(twin.localWinsTie(with: blue, localID: "10001", remoteID: "abc"),
                          twin.localWinsTie(with: blue, localID: "abc", remoteID: "10001"))
    }

    func testStance_IsNotAnnounced_WhenFieldsHaveTheirOwnRules() {
        XCTAssertNil(ConflictStance(policy: ConflictPolicy(default: .remoteWins, fields: ["summary": .localWins]), node: "blue"))
        XCTAssertEqual(ConflictStance(policy: ConflictPolicy(default: .remoteWins, fields: ["summary": .remoteWins]), node: "blue"),
                       ConflictStance(rule: .remoteWins, node: "blue"))
    }

    func testPerFieldRule_OverridesTheDefault() {
        let policy = ConflictPolicy(default: .remoteWins, fields: ["summary": .localWins])
        XCTAssertEqual(applied(resolve(["summary": "remote edit"], policy)), [:])
    }

    func testScriptStringMatchesObjectWithThatName() {
        XCTAssertTrue(ConflictResolver.looselyEqual("To Do", ["id": "1", "name": "To Do"]))
        XCTAssertTrue(ConflictResolver.looselyEqual(["email": "a@example.com"], ["id": "u1", "email": "a@example.com", "name": "A"]))
        XCTAssertFalse(ConflictResolver.looselyEqual("Done", ["id": "1", "name": "To Do"]))
    }

    func testLocalChanges_ListsFieldsEditedSinceTheBase() {
        XCTAssertEqual(ConflictResolver.localChanges(local: local, base: base), ["summary": ["base": "base", "local": "local edit"]])
    }
}
