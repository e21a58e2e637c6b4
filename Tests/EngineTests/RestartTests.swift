import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// A stopped node keeps its queue; started again, it carries on from its store.
final class RestartTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func tearDown() { nodes?.stop() }

    func testChangesMadeWhileThePeerIsDown_ArriveAfterItRestarts() throws {
        nodes = try FileStoreNodes()
        try nodes.start()
        nodes.green.stop()
        let blue = try nodes.tracker("blue")
        for index in 1...5 { _ = try blue.call("create", ["fields": ["summary": .string("while down \(index)"), "priority": "Low"]]) }
        let store = try Store(path: nodes.folder.file("data-blue/tandem.db"))
        XCTAssertTrue(try eventually { try store.read { try $0.outboxDepth(connection: "files") } == 5 }, "queued while the peer is down")

        nodes.green = Node(config: try nodes.config("green", port: nodes.greenPort, peerPort: nodes.bluePort),
                           logger: Logger(node: "green", minimum: .warn))
        _ = try nodes.green.start()
        XCTAssertTrue(try eventually(timeout: 40) { try nodes.entities("green").count == 5 })
    }

    func testARestartedNodeResumesFromItsStore() throws {
        nodes = try FileStoreNodes()
        try nodes.start()
        _ = try nodes.tracker("blue").call("create", ["fields": ["summary": "before restart", "priority": "Low"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").count == 1 })
        nodes.blue.stop()
        nodes.blue = Node(config: try nodes.config("blue", port: nodes.bluePort, peerPort: nodes.greenPort),
                          logger: Logger(node: "blue", minimum: .warn))
        _ = try nodes.blue.start()
        _ = try nodes.tracker("blue").call("update", ["key": "FS-1", "fields": ["summary": "after restart"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").values.first?["fields"]?["summary"] == "after restart" })
        XCTAssertEqual(try nodes.entities("green").count, 1, "the twin survived the restart: no second entity")
    }
}
