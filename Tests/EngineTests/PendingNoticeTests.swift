import Foundation
@testable import NodeHost
import TandemJSON
import TandemSQL
import TestSupport
import XCTest

/// Pending notices as the scheduler reads them: the entity a webhook carried
/// comes back exactly as noticed, and is parsed only by the worker that takes
/// its notice, so one damaged entity cannot stop the others from being read.
final class PendingNoticeTests: XCTestCase {
    private let folder = TemporaryDirectory("pending-notices")
    private var store: Store!

    override func setUpWithError() throws { store = try Store(path: folder.file("tandem.db")) }

    private func entity(_ id: String, updated: String) -> JSON {
        ["id": .string(id), "key": .string("SUP-\(id)"), "updated": .string(updated), "fields": ["summary": "Printer \"jam\" \\ café"]]
    }

    func testACarriedEntity_ComesBackAsNoticed() throws {
        try store.write { try $0.notePending(connection: "c", localID: "1", localKey: "SUP-1", source: "webhook", entity: entity("1", updated: "2026-01-01T00:00:00.000+0000")) }
        let changes = try store.read { try $0.runnablePending(connection: "c", now: Int64.max, limit: 10) }
        XCTAssertEqual(changes.count, 1)
        XCTAssertEqual(try changes[0].carriedEntity(), entity("1", updated: "2026-01-01T00:00:00.000+0000"))
    }

    func testANoticeWithoutAnEntity_CarriesNone() throws {
        try store.write { try $0.notePending(connection: "c", localID: "1", localKey: nil, source: "poll") }
        let changes = try store.read { try $0.runnablePending(connection: "c", now: Int64.max, limit: 10) }
        XCTAssertNil(try changes.first?.carriedEntity())
    }

    func testADamagedCarriedEntity_FailsOnlyItsOwnNotice_AsStoreDamage() throws {
        try store.write { tx in
            try tx.notePending(connection: "c", localID: "1", localKey: nil, source: "webhook", entity: entity("1", updated: "2026-01-01T00:00:00.000+0000"), now: 1)
            try tx.notePending(connection: "c", localID: "2", localKey: nil, source: "webhook", entity: entity("2", updated: "2026-01-01T00:00:00.000+0000"), now: 2)
            try tx.run("UPDATE pending SET entity = ? WHERE local_id = '1'", [.blob(Array("{\"id\":".utf8))])
        }
        let changes = try store.read { try $0.runnablePending(connection: "c", now: Int64.max, limit: 10) }
        XCTAssertEqual(changes.map(\.localID), ["1", "2"])
        XCTAssertThrowsError(try changes[0].carriedEntity()) { error in
            XCTAssertEqual((error as? SQLError)?.code, 11, "SQLITE_CORRUPT")
            XCTAssertTrue("\(error)".contains("pending.entity"), "\(error)")
        }
        XCTAssertEqual(try changes[1].carriedEntity(), entity("2", updated: "2026-01-01T00:00:00.000+0000"))
    }
}
