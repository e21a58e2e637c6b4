import Foundation
@testable import NodeHost
import XCTest

final class StoreHealthTests: XCTestCase {
    private var folder = ""
    private var path: String { folder + "/tandem.db" }

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "store-health-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 4096)))
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func testFilesAsTheCleanStopLeftThem_AreUnchanged_Once() {
        StoreHealth.noteCleanStop(dataDir: folder, path: path)
        XCTAssertTrue(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path))
        XCTAssertFalse(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path), "the stamp is used up by the start that read it")
    }

    func testWithoutACleanStop_TheStoreIsChecked() {
        XCTAssertFalse(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path))
    }

    func testAFileWrittenAfterTheStop_IsChecked() throws {
        StoreHealth.noteCleanStop(dataDir: folder, path: path)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        handle.write(Data([1]))
        try handle.close()
        XCTAssertFalse(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path))
    }

    func testAFileReplacedAfterTheStop_IsChecked() throws {
        StoreHealth.noteCleanStop(dataDir: folder, path: path)
        let copy = folder + "/copy.db"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: copy, toPath: path)
        XCTAssertFalse(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path))
    }

    func testAWALAppearingAfterTheStop_IsChecked() {
        StoreHealth.noteCleanStop(dataDir: folder, path: path)
        XCTAssertTrue(FileManager.default.createFile(atPath: path + "-wal", contents: Data([0])))
        XCTAssertFalse(StoreHealth.unchangedSinceCleanStop(dataDir: folder, path: path))
    }
}
