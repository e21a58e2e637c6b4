@testable import NodeHost
import TestSupport
import XCTest

/// Attachment bytes spooled by SHA-256 under the data folder.
final class BlobStoreTests: XCTestCase {
    private let folder = TemporaryDirectory("blobs")
    private let hash = String(repeating: "ab", count: 32)

    func testWrittenBlob_ReadsBackByteForByte() throws {
        let blobs = BlobStore(directory: folder.file("blobs"))
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try blobs.write(bytes, sha256: hash)
        XCTAssertEqual(try blobs.read(hash), bytes)
    }

    func testUnknownBlob_ReadsAsNil() throws {
        XCTAssertNil(try BlobStore(directory: folder.file("blobs")).read(hash))
    }

    func testNameThatIsNotAHash_IsRefusedAndWritesNothing() throws {
        let blobs = BlobStore(directory: folder.file("blobs"))
        XCTAssertThrowsError(try blobs.write([1, 2, 3], sha256: "../escape"))
        XCTAssertNil(try blobs.read("../escape"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.file("escape")))
    }
}
