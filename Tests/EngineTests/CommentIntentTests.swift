@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// Comment adds in flight: what survives a crash between `comment.add` and
/// recording the comment twin, and how the added comment is recognised.
final class CommentIntentTests: XCTestCase {
    func testCommentIntent_RecordedBeforeTheAdd_IsOpenUntilDeleted() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { try $0.recordCommentIntent(connection: "c", localEntity: "10", remoteComment: "7", body: "hello") }
        XCTAssertEqual(try store.read { try $0.commentIntents(connection: "c", localEntity: "10") }, ["7": "hello"])
        try store.write { try $0.deleteCommentIntent(connection: "c", localEntity: "10", remoteComment: "7") }
        XCTAssertEqual(try store.read { try $0.commentIntents(connection: "c", localEntity: "10") }, [:])
    }

    func testMatches_StoredBodyWithAnAuthorPrefix_IsTheIntendedComment() {
        XCTAssertTrue(CommentApplier.matches("[Admin] storm 6 comment 4", intended: "storm 6 comment 4"))
        XCTAssertTrue(CommentApplier.matches("storm 6 comment 4", intended: "storm 6 comment 4"))
    }

    func testMatches_OtherOrEmptyBody_IsNotTheIntendedComment() {
        XCTAssertFalse(CommentApplier.matches("storm 6 comment 44", intended: "storm 6 comment 4"))
        XCTAssertFalse(CommentApplier.matches("anything", intended: ""))
    }
}
