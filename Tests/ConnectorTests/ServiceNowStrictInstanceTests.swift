import NodeHost
import TandemJSON
import TrackerSim
import XCTest

/// The ServiceNowLike plugin against what a real instance does that a lenient
/// one does not: ACLs that shorten pages, tables without `correlation_id`,
/// and an account that may not read the journal.
final class ServiceNowStrictInstanceTests: XCTestCase {
    /// Creates `count` incidents, every `hiddenEvery`-th restricted; answers the visible ids in order.
    private func incidents(_ snow: TrackerSide, count: Int, hiddenEvery: Int) throws -> [String] {
        var visible: [String] = []
        for number in 1...count {
            let hidden = number % hiddenEvery == 0
            let id = try snow.createEntity(hidden ? "[restricted] record \(number)" : "record \(number)")
            if !hidden { visible.append(id) }
        }
        return visible
    }

    func testSearch_PageShortenedByAnACLInTheMiddleDoesNotEndTheSearch() throws {
        let snow = try TrackerSide(.serviceNow, serviceNow: { $0.aclHiddenMarker = "[restricted]" })
        let visible = try incidents(snow, count: 10, hiddenEvery: 3)
        // Pages of three come back with two rows: the search goes on to the limit.
        // Refs come in (updated, sys_id) order; records of one second order by sys_id.
        let all = try snow.call("search", ["cursor": nil])["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        XCTAssertEqual(all.sorted(), visible.sorted())
        let limited = try snow.call("search", ["cursor": nil, "limit": 3])
        XCTAssertEqual(limited["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, Array(all.prefix(3)))
    }

    func testSearch_EmptyPageInTheMiddleDoesNotEndTheSearch() throws {
        let snow = try TrackerSide(.serviceNow, serviceNow: { $0.aclHiddenMarker = "[restricted]" })
        let visible = try incidents(snow, count: 6, hiddenEvery: 2)
        // Pages: records 1-3 (two shown), record 4 alone (hidden: an empty page), record 5.
        let answer = try snow.call("search", ["cursor": nil, "limit": 3])
        XCTAssertEqual(answer["refs"]?.arrayValue?.compactMap { $0["id"]?.stringValue }.sorted(), visible.sorted())
    }

    func testInstance_TableWithoutCorrelationIdIsRefused() {
        XCTAssertThrowsError(try TrackerSide(.serviceNow) { $0["table"] = "sys_user" }) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
            XCTAssertTrue((error as? PluginCallError)?.message.contains("has no correlation_id field") ?? false, "\(error)")
        }
    }

    func testInstance_AccountThatCannotReadTheJournalIsRefusedSayingWhatToGrant() {
        XCTAssertThrowsError(try TrackerSide(.serviceNow, serviceNow: { $0.journalReadable = false })) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .invalid)
            let message = (error as? PluginCallError)?.message ?? ""
            XCTAssertTrue(message.contains("cannot read sys_journal_field"), message)
            XCTAssertTrue(message.contains("HTTP 403"), message)
            XCTAssertTrue(message.contains("Insufficient rights to query records"), message)
        }
    }

    func testInstance_UnreachableAtCreationChecksBeforeTheFirstOperation() throws {
        let snow = try TrackerSide(.serviceNow, serviceNow: { settings in
            settings.journalReadable = false
            settings.faults = FaultPolicy(failRate: 1.0)
        })
        XCTAssertTrue(snow.logLines.contains { $0.contains("checking before the first operation") }, "\(snow.logLines)")
        snow.setFaults(FaultPolicy())
        let error = snow.failure("get", ["id": "0123456789abcdef0123456789abcdef"])
        XCTAssertEqual(error?.kind, .invalid)
        XCTAssertTrue(error?.message.contains("cannot read sys_journal_field") ?? false, error?.message ?? "")
    }
}
