import Foundation
@testable import NodeHost
import TandemJSON
import TandemSQL
import XCTest

/// A JSON column that does not parse is a store error, counted like any
/// other, never read as "no value".
final class StoreDamagedJSONTests: XCTestCase {
    private var root = ""
    private var store: Store!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "store-json-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try PrivateFiles.directory(root)
        store = try Store(path: root + "/tandem.db")
        var twin = Twin(connection: "c", localID: "1")
        twin.snapshot = ["version": "3"]
        try store.write { try $0.save(twin) }
        try store.write { try $0.run("UPDATE twins SET snapshot = ? WHERE local_id = '1'", [.blob(Array("{\"version\":".utf8))]) }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testReadingADamagedJSONColumnThrowsAStoreErrorNamingTheColumn() {
        XCTAssertThrowsError(try store.read { try $0.twin(connection: "c", localID: "1") }) { error in
            let sqlError = error as? SQLError
            XCTAssertNotNil(sqlError, "\(error)")
            XCTAssertTrue(sqlError?.message.contains("snapshot") ?? false, "\(error)")
        }
    }

    func testADamagedJSONColumnIsReportedToTheStoreFaults() {
        let reported = NSLock()
        nonisolated(unsafe) var operations: [String] = []
        store.faults.observe { operation, _ in reported.withLock { operations.append(operation) } }
        _ = try? store.read { try $0.twin(connection: "c", localID: "1") }
        XCTAssertEqual(reported.withLock { operations }, ["read"])
        XCTAssertNotNil(store.faults.problem)
    }
}
