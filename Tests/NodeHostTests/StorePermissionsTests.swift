import Foundation
@testable import NodeHost
import XCTest

/// What the node writes to disk is readable by its own user only.
final class StorePermissionsTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "store-perm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        umask(0o022)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func mode(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw POSIXError(.ENOENT) }
        return Int(info.st_mode & 0o777)
    }

    func testDataFolderIsCreatedOwnerOnly() throws {
        try PrivateFiles.directory(root + "/data")
        XCTAssertEqual(try mode(root + "/data"), 0o700)
    }

    func testExistingWideDataFolderIsNarrowed() throws {
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        chmod(root + "/data", 0o755)
        try PrivateFiles.directory(root + "/data")
        XCTAssertEqual(try mode(root + "/data"), 0o700)
    }

    func testStoreFilesAreOwnerReadWriteOnly() throws {
        try PrivateFiles.directory(root)
        let store = try Store(path: root + "/tandem.db")
        try store.write { _ = try $0.useNonce("n-\(UInt32.random(in: 0...UInt32.max))") }
        for file in ["tandem.db", "tandem.db-wal", "tandem.db-shm"] {
            XCTAssertEqual(try mode(root + "/" + file), 0o600, file)
        }
    }

    func testStoreCreatedWorldReadableIsNarrowedOnOpen() throws {
        try PrivateFiles.directory(root)
        XCTAssertTrue(FileManager.default.createFile(atPath: root + "/tandem.db", contents: nil))
        chmod(root + "/tandem.db", 0o644)
        _ = try Store(path: root + "/tandem.db")
        XCTAssertEqual(try mode(root + "/tandem.db"), 0o600)
    }

    func testSpooledBlobAndItsFolderAreOwnerOnly() throws {
        let blobs = BlobStore(directory: root + "/blobs")
        let hash = String(repeating: "ab", count: 32)
        try blobs.write([1, 2, 3], sha256: hash)
        XCTAssertEqual(try mode(root + "/blobs"), 0o700)
        XCTAssertEqual(try mode(blobs.path(hash)), 0o600)
    }
}
