import Foundation
@testable import NodeHost
import TestSupport
import XCTest

/// `StoreTransaction.save(_ twin:)`: one row per local entity, one twin per remote id.
final class TwinStoreTests: XCTestCase {
    private let folder = TemporaryDirectory()

    private func twin(_ localID: String, remote: String?, key: String? = nil) -> Twin {
        var twin = Twin(connection: "c", localID: localID)
        twin.remoteID = remote
        twin.localKey = key
        return twin
    }

    func testSavingATwinAgain_UpdatesItsOneRow() throws {
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { try $0.save(twin("1", remote: nil)) }
        try store.write { try $0.save(twin("1", remote: "R1", key: "SUP-1")) }
        let saved = try store.read { try $0.twin(connection: "c", localID: "1") }
        XCTAssertEqual(saved?.remoteID, "R1")
        XCTAssertEqual(saved?.localKey, "SUP-1")
        XCTAssertEqual(try store.read { try $0.twinCount(connection: "c") }, 1)
    }

    func testARemoteIdSavedOnAnotherTwin_RemovesTheTwinThatHeldIt() throws {
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { try $0.save(twin("1", remote: "R1")) }
        try store.write { try $0.save(twin("2", remote: nil)) }
        try store.write { try $0.save(twin("2", remote: "R1")) }
        XCTAssertNil(try store.read { try $0.twin(connection: "c", localID: "1") })
        XCTAssertEqual(try store.read { try $0.twin(connection: "c", remoteID: "R1") }?.localID, "2")
        XCTAssertEqual(try store.read { try $0.twinCount(connection: "c") }, 1, "the row count follows the removal")
    }
}
