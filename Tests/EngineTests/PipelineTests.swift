import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// The replica pipeline between two real nodes (threads in this process, real
/// HTTP, real SQLite) over the C file-store connector, triggered by polling.
final class PipelineTests: XCTestCase {
    private var nodes: FileStoreNodes!

    override func setUpWithError() throws {
        nodes = try FileStoreNodes()
    }

    override func tearDown() {
        nodes?.stop()
    }

    func testCreateOnOneSide_AppearsOnTheOther() throws {
        try nodes.start()
        _ = try nodes.tracker("blue").call("create", ["fields": ["summary": "Printer on fire", "priority": "High"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "Printer on fire" } })
        let twin = try XCTUnwrap(try nodes.entities("green").values.first)
        XCTAssertEqual(twin["fields"]?["priority"], "High")
    }

    func testEditsFlowBothWays() throws {
        try nodes.start()
        _ = try nodes.tracker("blue").call("create", ["fields": ["summary": "one", "priority": "Low"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").count == 1 })
        let greenKey = try XCTUnwrap(try nodes.entities("green").keys.first)
        _ = try nodes.tracker("green").call("update", ["key": .string(greenKey), "fields": ["summary": "two"]])
        XCTAssertTrue(try eventually { try nodes.entities("blue")["FS-1"]?["fields"]?["summary"] == "two" })
        _ = try nodes.tracker("blue").call("update", ["key": "FS-1", "fields": ["priority": "High"]])
        XCTAssertTrue(try eventually { try nodes.entities("green")[greenKey]?["fields"]?["priority"] == "High" })
        XCTAssertEqual(try nodes.entities("blue").count, 1, "no entity was duplicated")
        XCTAssertEqual(try nodes.entities("green").count, 1, "no entity was duplicated")
    }

    func testAnInboxMessageTheStoreCannotDecodeIsParkedWithTheReason_WhileOthersSync() throws {
        try nodes.start()
        let green = try XCTUnwrap(nodes.green.store)
        try green.write { _ = try $0.storeInbox(connection: "files", kind: .ack, lane: "FS-77", seq: 1, body: ["lane": 7]) }
        nodes.green.connections["files"]?.context.work.signal()
        _ = try nodes.tracker("blue").call("create", ["fields": ["summary": "still syncs", "priority": "Low"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").values.contains { $0["fields"]?["summary"] == "still syncs" } })
        XCTAssertTrue(try eventually { try green.read { try $0.openParked(connection: "files") }.count == 1 })
        let parked = try XCTUnwrap(try green.read { try $0.openParked(connection: "files") }.first)
        XCTAssertTrue(parked.reason.hasPrefix("undecodable message in the store: "), parked.reason)
    }

    func testAfterTheExchangeSettles_NothingIsWrittenAgain() throws {
        try nodes.start()
        _ = try nodes.tracker("blue").call("create", ["fields": ["summary": "settle", "priority": "Low"]])
        XCTAssertTrue(try eventually { try nodes.entities("green").count == 1 })
        Thread.sleep(forTimeInterval: 1)  // let acks and echo baselines settle
        let before = try [nodes.entities("blue"), nodes.entities("green")].map { $0.mapValues { $0["updated"] } }
        Thread.sleep(forTimeInterval: 1.5)
        let after = try [nodes.entities("blue"), nodes.entities("green")].map { $0.mapValues { $0["updated"] } }
        XCTAssertEqual(before, after, "an entity was written again after the exchange settled (ping-pong)")
    }
}
