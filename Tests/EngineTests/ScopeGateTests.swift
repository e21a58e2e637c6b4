import Foundation
@testable import NodeHost
import SyncScript
import TandemHTTP
import TandemJSON
import TestSupport
import XCTest

/// `ScopeGate` over the C file-store connector, which declares no `match`:
/// the gate falls back to a `search` of the whole query; answers are cached
/// by query and fields; linked entities are not asked about unless strict.
final class ScopeGateTests: XCTestCase {
    private var nodes: FileStoreNodes!
    private var store: Store!

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
        store = try Store(path: nodes.folder.file("gate.db"))
    }

    private func gate(query: String = "", strict: Bool = false) throws -> ScopeGate {
        var config = try XCTUnwrap(try nodes.config("blue", port: 1, peerPort: 2).connections["files"])
        config.trigger.query = query
        config.trigger.strict = strict
        let context = ConnectionContext(name: config.name, store: store, logger: Logger(node: "blue", minimum: .error), metrics: Metrics())
        return ScopeGate(context: context, instance: try nodes.tracker("blue"), trigger: config.trigger)
    }

    private func asked(_ gate: ScopeGate) -> Double {
        gate.context.metrics.counter("tandem_scope_checks_total", ["connection": "files", "result": "in", "by": "tracker"])
            + gate.context.metrics.counter("tandem_scope_checks_total", ["connection": "files", "result": "out", "by": "tracker"])
    }

    private func created(_ summary: String) throws -> JSON {
        let tracker = try nodes.tracker("blue")
        let id = try XCTUnwrap(try tracker.call("create", ["fields": ["summary": .string(summary)]]).json["id"])
        return try tracker.call("get", ["id": id]).json
    }

    func testWithoutMatch_AnEntityTheSearchFindsIsInScope() throws {
        let entity = try created("found")
        XCTAssertNil(try gate().refusal(for: entity, localID: entity["id"]!.stringValue!, announcedBy: "webhook"))
    }

    func testWithoutMatch_AnIdTheSearchDoesNotFindIsRefusedWithTheQuery() throws {
        _ = try created("other")
        let forged: JSON = ["id": "FS-999", "key": "FS-999", "fields": ["summary": "forged"]]
        let refusal = try gate(query: "all").refusal(for: forged, localID: "FS-999", announcedBy: "webhook")
        XCTAssertEqual(refusal, "FS-999 does not match trigger.query 'all' of connection 'files', so it is not sent; change it to match, or widen the query")
    }

    func testTheSameStateIsAskedAboutOnce_AChangedOneAgain() throws {
        let entity = try created("cached")
        let id = entity["id"]!.stringValue!
        let gate = try gate()
        _ = try gate.refusal(for: entity, localID: id, announcedBy: "webhook")
        _ = try gate.refusal(for: entity, localID: id, announcedBy: "webhook")
        XCTAssertEqual(asked(gate), 1)
        var changed = entity
        changed["fields"]?["summary"] = "changed"
        _ = try gate.refusal(for: changed, localID: id, announcedBy: "webhook")
        XCTAssertEqual(asked(gate), 2)
    }

    func testAnotherQuery_IsAskedAgainForTheSameState() throws {
        let entity = try created("requery")
        let id = entity["id"]!.stringValue!
        _ = try gate(query: "a").refusal(for: entity, localID: id, announcedBy: "webhook")
        let widened = try gate(query: "b")
        _ = try widened.refusal(for: entity, localID: id, announcedBy: "webhook")
        XCTAssertEqual(asked(widened), 1)
    }

    func testAPollsAnnouncement_CostsNoRequest() throws {
        let entity = try created("polled")
        let gate = try gate()
        XCTAssertNil(try gate.refusal(for: entity, localID: entity["id"]!.stringValue!, announcedBy: "poll"))
        XCTAssertEqual(asked(gate), 0)
    }

    func testASyncQueryOfTheTriggerQuery_CostsNoRequest() throws {
        let entity = try created("bulk")
        let gate = try gate()
        XCTAssertNil(try gate.refusal(for: entity, localID: entity["id"]!.stringValue!, announcedBy: "query"))
        XCTAssertEqual(asked(gate), 0)
    }

    func testAFirstAnnouncementByASearchOfTheQuery_KeepsNoAnswer() throws {
        let entity = try created("about to be sent")
        let id = entity["id"]!.stringValue!
        XCTAssertNil(try gate().refusal(for: entity, localID: id, announcedBy: "query"))
        XCTAssertNil(try store.read { try $0.scopeDecision(connection: "files", localID: id) }, "a commit per entity for an answer never read")
    }

    func testASearchOfTheQuery_ReplacesAnOlderAnswerThatSaidOut() throws {
        _ = try created("other")
        let entity: JSON = ["id": "FS-998", "key": "FS-998", "fields": ["summary": "not found by the search"]]
        let id = "FS-998"
        XCTAssertNotNil(try gate(query: "all").refusal(for: entity, localID: id, announcedBy: "webhook"))
        XCTAssertNil(try gate(query: "all").refusal(for: entity, localID: id, announcedBy: "poll"))
        XCTAssertEqual(try store.read { try $0.scopeDecision(connection: "files", localID: id) }?.matches, true)
    }

    func testALinkedEntity_IsNotAskedAboutUnlessStrict() throws {
        let forged: JSON = ["id": "FS-404", "key": "FS-404", "fields": ["summary": "linked"]]
        var twin = Twin(connection: "files", localID: "FS-404")
        twin.remoteID = "R-1"
        try store.write { try $0.save(twin) }
        let lenient = try gate()
        XCTAssertNil(try lenient.refusal(for: forged, localID: "FS-404", announcedBy: "webhook"))
        XCTAssertEqual(asked(lenient), 0)
        let strict = try gate(strict: true)
        XCTAssertEqual(try strict.refusal(for: forged, localID: "FS-404", announcedBy: "webhook"),
                       "FS-404 no longer matches trigger.query '' of connection 'files' (trigger.strict); it is sent again once it matches")
    }
}
