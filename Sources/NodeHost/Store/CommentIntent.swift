import TandemSQL
import TandemTime

/// Comment adds in flight (table `comment_intents`), so that a node killed
/// between `comment.add` and recording the comment twin neither adds the
/// comment again nor sends it back as a new one (docs/architecture.md, "The store").
///
/// Invariant: an intent exists from just before `comment.add` until the
/// same transaction that records the comment twin; one left over means the
/// add may or may not have happened, and the entity's comments decide.
extension StoreTransaction {
    func recordCommentIntent(connection: String, localEntity: String, remoteComment: String, body: String) throws {
        try run("""
            INSERT OR REPLACE INTO comment_intents (connection, local_entity, remote_comment, body, created_at)
            VALUES (?, ?, ?, ?, ?)
            """, [.text(connection), .text(localEntity), .text(remoteComment), .text(body), .integer(Timestamp.now())])
    }

    /// The open intents of one entity: peer comment id → body.
    func commentIntents(connection: String, localEntity: String) throws -> [String: String] {
        let pairs = try query("SELECT remote_comment, body FROM comment_intents WHERE connection = ? AND local_entity = ?",
                              [.text(connection), .text(localEntity)]) { ($0.text(0) ?? "", $0.text(1) ?? "") }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    func deleteCommentIntent(connection: String, localEntity: String, remoteComment: String) throws {
        try run("DELETE FROM comment_intents WHERE connection = ? AND local_entity = ? AND remote_comment = ?",
                [.text(connection), .text(localEntity), .text(remoteComment)])
    }
}
