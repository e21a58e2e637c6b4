@testable import NodeHost
import TestSupport
import XCTest

/// Which first-sync creates may have reached the tracker unrecorded, so
/// that only those cost a correlation `lookup` (`CreateLedger`).
final class CreateLedgerTests: XCTestCase {
    func testAMessageReceivedSinceTheStart_WithNoCreateTried_CannotHaveBeenCreated() {
        XCTAssertFalse(CreateLedger(inboxBefore: 10).mayHaveCreated("c:R1", inboxID: 11))
    }

    func testAMessageReceivedBeforeTheStart_MayHaveBeenCreatedByTheProcessBefore() {
        XCTAssertTrue(CreateLedger(inboxBefore: 10).mayHaveCreated("c:R1", inboxID: 10))
    }

    func testACreateTriedAndNotRecorded_MayHaveReachedTheTracker() {
        let ledger = CreateLedger(inboxBefore: 0)
        ledger.tried("c:R1")
        XCTAssertTrue(ledger.mayHaveCreated("c:R1", inboxID: 5))
        XCTAssertFalse(ledger.mayHaveCreated("c:R2", inboxID: 5), "another entity")
    }

    func testACreateWhoseTwinIsRecorded_IsForgotten() {
        let ledger = CreateLedger(inboxBefore: 0)
        ledger.tried("c:R1")
        ledger.recorded("c:R1")
        XCTAssertFalse(ledger.mayHaveCreated("c:R1", inboxID: 5))
    }

    /// The old workers may have tried creates since the start; a rebuilt
    /// connection must still look those up.
    func testAReloadThatRebuildsAConnection_KeepsTheNodesLedger() throws {
        let nodes = try FileStoreNodes()
        try nodes.start()
        defer { nodes.stop() }
        let ledger = try XCTUnwrap(nodes.green.connections["files"]).context.creates
        var changed = try nodes.config("green", port: nodes.greenPort, peerPort: nodes.bluePort)
        changed.connections["files"]?.workers = 2
        XCTAssertEqual(try nodes.green.reload(to: changed).changed, ["files"])
        XCTAssertTrue(nodes.green.connections["files"]?.context.creates === ledger)
    }
}
