import Foundation
import TandemJSON
import TestSupport
import XCTest
import TandemAdminClient

/// A plugin that crashes the node on one entity does so at most three times:
/// the restarted node charges each death to the entity it was working on and
/// parks it at the third, while every other entity keeps syncing.
final class PluginCrashEndToEndTests: XCTestCase {
    func testASegfaultOnOneEntity_ParksItAfterThreeDeaths_WhileAnotherSyncs() throws {
        try assertCrashLoopEnds(fault: "FAULT_SEGV", signal: "SIGSEGV")
    }

    func testAnAbortOnOneEntity_ParksItAfterThreeDeaths_WhileAnotherSyncs() throws {
        try assertCrashLoopEnds(fault: "FAULT_ABORT", signal: "SIGABRT")
    }

    func testRetryGivesAParkedEntityAnotherChance() throws {
        let nodes = try FileStoreNodePair(fault: "FAULT_SEGV")
        defer { nodes.stop() }
        try nodes.addBlueEntity(2, summary: "poison")
        try nodes.startGreen()
        let (deaths, blue) = try superviseBlue(nodes, until: { nodes.parkedErrors().count == 1 })
        defer { blue.terminate(); blue.waitUntilExit() }
        XCTAssertEqual(deaths, 3, nodes.logs)
        let id = try XCTUnwrap(nodes.parkedErrors().first?["id"]?.intValue)
        // The node may die before it answers: the retried get runs at once.
        _ = try? nodes.blueAdmin.request("POST", "/admin/v1/errors/retry", ["id": .int(Int64(id))])
        blue.waitUntilExit()
        XCTAssertEqual(blue.terminationReason, .uncaughtSignal, "the retried get crashes the node again")
        XCTAssertEqual(blue.terminationStatus, 11)
    }

    func testIsolated_ASegfaultCostsOnlyThePluginHost_AndTheEntityIsParkedAfterThreeDeaths() throws {
        let nodes = try FileStoreNodePair(fault: "FAULT_SEGV", blueInstance: ["isolation": "process"])
        defer { nodes.stop() }
        try nodes.addBlueEntity(1, summary: "healthy")
        try nodes.addBlueEntity(2, summary: "poison")
        try nodes.startGreen()
        let blue = try nodes.launchBlue()
        defer { blue.terminate(); blue.waitUntilExit() }
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            !blue.isRunning || (nodes.parkedErrors().count == 1 && nodes.greenSummaries() == ["healthy"])
        }, nodes.logs)
        XCTAssertTrue(blue.isRunning, "the node never died\n\(nodes.logs)")
        let reason = nodes.parkedErrors().first?["reason"]?.stringValue ?? ""
        XCTAssertTrue(reason.hasPrefix("plugin c-filestore crashed (SIGSEGV) during get of FS-2, 3 times in a row"), reason)
        XCTAssertEqual(nodes.blueLog.components(separatedBy: "crashed (SIGSEGV) during get of FS-2 (").count - 1, 3,
                       "each death logged once with its count\n\(nodes.logs)")
    }

    private func assertCrashLoopEnds(fault: String, signal: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let nodes = try FileStoreNodePair(fault: fault)
        defer { nodes.stop() }
        try nodes.addBlueEntity(1, summary: "healthy")
        try nodes.addBlueEntity(2, summary: "poison")
        try nodes.startGreen()
        let (deaths, blue) = try superviseBlue(nodes, until: {
            nodes.parkedErrors().count == 1 && nodes.greenSummaries() == ["healthy"]
        })
        defer { blue.terminate(); blue.waitUntilExit() }
        XCTAssertEqual(deaths, 3, "the node died three times, then parked the entity and stayed up\n\(nodes.logs)", file: file, line: line)
        XCTAssertTrue(blue.isRunning, nodes.logs, file: file, line: line)
        let parked = nodes.parkedErrors()
        XCTAssertEqual(parked.first?["entity"]?.stringValue, "FS-2", file: file, line: line)
        let reason = parked.first?["reason"]?.stringValue ?? ""
        XCTAssertTrue(reason.hasPrefix("plugin c-filestore crashed (\(signal)) during get of FS-2"), reason, file: file, line: line)
        XCTAssertEqual(nodes.greenSummaries(), ["healthy"], "the other entity synced", file: file, line: line)
    }

    /// Starts blue again each time it dies, like systemd's Restart=always,
    /// until `condition` holds while it runs (or six starts). Returns the
    /// deaths seen and the running process.
    private func superviseBlue(_ nodes: FileStoreNodePair, until condition: () -> Bool) throws -> (Int, Process) {
        var deaths = 0
        for _ in 0..<6 {
            let blue = try nodes.launchBlue()
            let held = eventually(timeout: 60, every: 0.2) { !blue.isRunning || condition() }
            if blue.isRunning {
                XCTAssertTrue(held, "neither died nor reached the expected state\n\(nodes.logs)")
                return (deaths, blue)
            }
            blue.waitUntilExit()
            XCTAssertEqual(blue.terminationReason, .uncaughtSignal, "blue died of a signal\n\(nodes.logs)")
            deaths += 1
        }
        XCTFail("blue kept dying\n\(nodes.logs)")
        throw XCTSkip("crash loop")
    }
}

extension FileStoreNodePair {
    /// Blue's open parked errors (empty while it is down).
    func parkedErrors() -> [JSON] {
        blueAdmin.send("GET", "/admin/v1/errors")?["errors"]?.arrayValue ?? []
    }
}
