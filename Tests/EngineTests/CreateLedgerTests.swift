import Foundation
@testable import NodeHost
import TestSupport
import XCTest

/// Which first-sync creates may have reached the tracker unrecorded, so
/// that only those cost a correlation `lookup` (`ConnectionContext`).
final class CreateLedgerTests: XCTestCase {
    private let folder = TemporaryDirectory()

    private func context(inboxBefore: Int64) throws -> ConnectionContext {
        let store = try Store(path: folder.file("ledger.db"))
        return ConnectionContext(name: "c", store: store, logger: Logger(node: "blue", minimum: .error), metrics: Metrics(),
                                 inboxBefore: inboxBefore)
    }

    func testAMessageReceivedSinceTheStart_WithNoCreateTried_CannotHaveBeenCreated() throws {
        XCTAssertFalse(try context(inboxBefore: 10).mayHaveCreated("c:R1", inboxID: 11))
    }

    func testAMessageReceivedBeforeTheStart_MayHaveBeenCreatedByTheProcessBefore() throws {
        XCTAssertTrue(try context(inboxBefore: 10).mayHaveCreated("c:R1", inboxID: 10))
    }

    func testACreateTriedAndNotRecorded_MayHaveReachedTheTracker() throws {
        let context = try context(inboxBefore: 0)
        context.beginCreate("c:R1")
        XCTAssertTrue(context.mayHaveCreated("c:R1", inboxID: 5), "under way")
        context.endCreate("c:R1", recorded: false)
        XCTAssertTrue(context.mayHaveCreated("c:R1", inboxID: 5), "failed after the request left")
        XCTAssertFalse(context.mayHaveCreated("c:R2", inboxID: 5), "another entity")
    }

    func testACreateWhoseTwinIsRecorded_IsForgotten() throws {
        let context = try context(inboxBefore: 0)
        context.beginCreate("c:R1")
        context.endCreate("c:R1", recorded: true)
        XCTAssertFalse(context.mayHaveCreated("c:R1", inboxID: 5))
        XCTAssertEqual(context.createsInFlight, 0)
    }
}
