import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// A permanent failure parks one entity with its reason while others keep
/// syncing; an operator retries it after fixing the cause.
final class ParkingTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func tearDown() { nodes?.stop() }

    func testScriptErrorParksOneEntity_OthersKeepSyncing_RetrySyncsItAfterTheFix() throws {
        let script = folderScript()
        nodes = try FileStoreNodes(incoming: script)
        try nodes.start()
        let blue = try nodes.tracker("blue")
        _ = try blue.call("create", ["fields": ["summary": "poison", "priority": "Low"]])
        _ = try blue.call("create", ["fields": ["summary": "healthy", "priority": "Low"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "healthy" } })

        let store = try Store(path: nodes.folder.file("data-green/tandem.db"))
        XCTAssertTrue(try eventually { try store.read { try $0.openParked() }.count == 1 })
        let parked = try XCTUnwrap(try store.read { try $0.openParked() }.first)
        XCTAssertEqual(parked.entity, "FS-1")
        XCTAssertTrue(parked.reason.contains("in.sync:2:"), "the reason names file:line:column: \(parked.reason)")
        XCTAssertTrue(parked.reason.contains("poison summaries are refused"), parked.reason)
        XCTAssertFalse(try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "poison" })

        // Later changes of the parked entity wait behind it.
        _ = try blue.call("update", ["key": "FS-1", "fields": ["priority": "High"]])
        _ = try blue.call("update", ["key": "FS-2", "fields": ["priority": "High"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").values.contains { $0["fields"]?["priority"] == "High" } })
        XCTAssertEqual(try nodes.entities("green").count, 1)

        // Fix the script, restart the green node, retry: the entity syncs with its latest state.
        nodes.green.stop()
        try "issue.summary = replica.summary\nissue.priority = replica.priority\n"
            .write(toFile: nodes.folder.file("in.sync"), atomically: true, encoding: .utf8)
        nodes.green = Node(config: try nodes.config("green", port: nodes.greenPort, peerPort: nodes.bluePort),
                           logger: Logger(node: "green", minimum: .warn))
        _ = try nodes.green.start()
        try store.write { _ = try $0.closeParked(id: parked.id, state: "retried") }
        XCTAssertTrue(try eventually {
            try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "poison" && $0["fields"]?["priority"] == "High" }
        })
        XCTAssertEqual(try nodes.entities("green").count, 2)
    }

    /// An incoming script that refuses one entity with a run-time error on line 2.
    private func folderScript() -> String {
        """
        if (replica.summary == "poison") {
            debug.error("poison summaries are refused")
        }
        issue.summary = replica.summary
        issue.priority = replica.priority

        """
    }
}
