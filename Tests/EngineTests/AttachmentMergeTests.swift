@testable import NodeHost
import TandemJSON
import XCTest

/// `attachmentHelper.mergeAttachments(issue, replica)`: the replica's
/// attachments the entity lacks, matched by twin id and by SHA-256.
final class AttachmentMergeTests: XCTestCase {
    private let replica: JSON = ["attachments": [
        ["id": "r1", "filename": "dump.bin", "mimeType": "application/octet-stream", "size": 20, "sha256": "aa"],
    ]]

    func testAttachmentTheEntityLacks_IsAddedWithItsReplicaIdAsRemoteId() {
        let added = AttachmentMerge.newAttachments(entity: ["attachments": []], replica: replica)
        XCTAssertEqual(added, [["filename": "dump.bin", "mimeType": "application/octet-stream", "size": 20, "sha256": "aa",
                                "remoteId": "r1"]])
    }

    func testAttachmentTwinnedByRemoteId_IsNotAdded() {
        let entity: JSON = ["attachments": [["id": "l1", "filename": "renamed.bin", "remoteId": "r1"]]]
        XCTAssertEqual(AttachmentMerge.newAttachments(entity: entity, replica: replica), [])
    }

    func testAttachmentWithTheSameSHA256_IsNotAdded() {
        let entity: JSON = ["attachments": [["id": "l1", "filename": "copy.bin", "sha256": "aa"]]]
        XCTAssertEqual(AttachmentMerge.newAttachments(entity: entity, replica: replica), [])
    }

    func testAttachmentThatCameFromThisEntity_IsNeverAddedBack() {
        let entity: JSON = ["attachments": [["id": "l1", "filename": "mine.bin"]]]
        let echo: JSON = ["attachments": [["id": "r9", "filename": "mine.bin", "sha256": "bb", "remoteId": "l1"]]]
        XCTAssertEqual(AttachmentMerge.newAttachments(entity: entity, replica: echo), [])
    }
}
