import Foundation
@testable import NodeHost
import TandemJSON
import TandemSQL
import TestSupport
import XCTest

/// Every statement the pipeline runs per change, and every query of `tandem
/// status`, reads the queue and twin tables through an index: none scans
/// twins, inbox, pending or outbox (nor walks all twins of a connection), and
/// none sorts them in a temporary B-tree.
/// The statements are the ones two real nodes prepared while syncing both ways.
final class StoreQueryPlanTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func setUpWithError() throws { nodes = try FileStoreNodes() }
    override func tearDown() { nodes?.stop() }

    private static let guarded = ["twins", "inbox", "pending", "outbox"]

    /// The plan lines of `sql` that scan a guarded table or sort in a temporary B-tree.
    private func offendingPlanLines(_ sql: String, in store: Store) throws -> [String] {
        // Parameters are bound as NULL: the plan does not depend on their values.
        let parameters = [SQLValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
        let lines = try store.read { tx in try tx.query("EXPLAIN QUERY PLAN " + sql, parameters) { $0.text(3) ?? "" } }
        let touchesGuarded = Self.guarded.contains { sql.range(of: "\\b\($0)\\b", options: .regularExpression) != nil }
        return lines.filter { line in
            if line.hasPrefix("SCAN ") {
                let table = line.dropFirst(5).split(separator: " ").first.map(String.init) ?? ""
                return Self.guarded.contains(table) || (touchesGuarded && ["m", "p", "h"].contains(table))
            }
            // Twins are looked up one at a time: a search on the connection
            // alone walks all of its twins.
            if line.hasPrefix("SEARCH twins "), line.hasSuffix("(connection=?)") { return true }
            return touchesGuarded && line.contains("TEMP B-TREE")
        }
    }

    func testEveryStatementOfTheSyncPipelineAndOfStatus_UsesAnIndex() throws {
        try nodes.start()
        let blue = try nodes.tracker("blue"), green = try nodes.tracker("green")
        for number in 1...3 { _ = try blue.call("create", ["fields": ["summary": .string("blue \(number)"), "priority": "Low"]]) }
        _ = try green.call("create", ["fields": ["summary": "green 1", "priority": "High"]])
        XCTAssertTrue(try eventually(timeout: 30) { try nodes.entities("green").count == 4 && nodes.entities("blue").count == 4 })
        _ = try blue.call("update", ["key": "FS-1", "fields": ["summary": "blue 1, edited"]])
        XCTAssertTrue(try eventually(timeout: 30) {
            try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "blue 1, edited" }
        })
        for node in [nodes.blue!, nodes.green!] {
            let store = try XCTUnwrap(node.store)
            // What `tandem status` reads, per connection.
            _ = try store.read { tx in
                (try tx.pendingCount(connection: "files"), try tx.outboxDepth(connection: "files"), try tx.inboxDepth(connection: "files"),
                 try tx.oldestPending(connection: "files"), try tx.oldestOutbox(connection: "files"), try tx.oldestInbox(connection: "files"),
                 try tx.twinCount(connection: "files"), try tx.lastSyncedAt(connection: "files"))
            }
            let statements = store.preparedSQL
            XCTAssertGreaterThan(statements.count, 20, "the workload should have prepared the pipeline's statements")
            for sql in statements where !sql.hasPrefix("EXPLAIN") {
                let offending = try offendingPlanLines(sql, in: store)
                XCTAssertEqual(offending, [], "\(node.config.node.name): \(sql)")
            }
        }
    }

    func testTheCheck_FlagsAWalkOverTwinsAndATemporarySort() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        XCTAssertEqual(try offendingPlanLines("SELECT local_id FROM twins WHERE connection = ? AND (local_key = ? OR local_id = ?) LIMIT 1", in: store),
                       ["SEARCH twins USING INDEX sqlite_autoindex_twins_1 (connection=?)"])
        XCTAssertEqual(try offendingPlanLines("SELECT id FROM outbox WHERE connection = ? ORDER BY created_at LIMIT 5", in: store),
                       ["USE TEMP B-TREE FOR ORDER BY"])
        XCTAssertEqual(try offendingPlanLines("SELECT count(*) FROM inbox", in: store).count, 1)
    }

    func testStatusCounts_FollowInsertsReplacesAndDeletes() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("tandem.db"))
        try store.write { tx in
            var twin = Twin(connection: "c", localID: "1")
            try tx.save(twin)
            twin.remoteID = "r1"
            try tx.save(twin)          // INSERT OR REPLACE: linked now
            try tx.save(twin)          // replaced again: still one
            var other = Twin(connection: "c", localID: "2")
            other.remoteID = "r2"
            try tx.save(other)
            try tx.notePending(connection: "c", localID: "1", localKey: nil, source: "poll")
            try tx.notePending(connection: "c", localID: "1", localKey: nil, source: "poll")   // merged: one row
            try tx.notePending(connection: "c", localID: "2", localKey: nil, source: "poll")
            try tx.enqueueOutbox(connection: "c", kind: .replica, lane: "1", seq: 1, body: [:])
            try tx.storeInbox(connection: "c", kind: .replica, lane: "r1", seq: 1, body: [:])
        }
        XCTAssertEqual(try store.read { [try $0.twinCount(connection: "c"), try $0.pendingCount(connection: "c"),
                                         try $0.outboxDepth(connection: "c"), try $0.inboxDepth(connection: "c")] }, [2, 2, 1, 1])
        try store.write { tx in
            try tx.run("DELETE FROM twins WHERE local_id = '2'")
            try tx.run("DELETE FROM pending WHERE local_id = '2'")
            let outbox = try tx.outboxBatch(connection: "c", limit: 10)
            try tx.deleteOutbox(ids: outbox.map(\.id))
        }
        XCTAssertEqual(try store.read { [try $0.twinCount(connection: "c"), try $0.pendingCount(connection: "c"),
                                         try $0.outboxDepth(connection: "c"), try $0.inboxDepth(connection: "c")] }, [1, 1, 0, 1])
    }
}
