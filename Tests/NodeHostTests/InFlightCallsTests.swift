import Foundation
@testable import NodeHost
import TestSupport
import XCTest

/// The in-flight file outlives the process that wrote it: what a killed
/// process left running is reported once by the next one.
final class InFlightCallsTests: XCTestCase {
    private let folder = TemporaryDirectory("inflight")
    private let site = CallSite(connection: "sup", lane: "out:7", entity: "SUP-7")

    private func call(_ operation: String, site: CallSite?) -> RunningCall {
        RunningCall(plugin: "jira-like", instance: "jira", operation: operation, site: site, startedMs: 1_000, timeoutMs: 30_000)
    }

    func testACallStillRunningWhenTheProcessDied_IsReportedByTheNextOpen() throws {
        let path = folder.file("inflight.map")
        do {
            let calls = try InFlightCalls(path: path)
            _ = calls.begin(call("get", site: site))
            let finished = calls.begin(call("update", site: CallSite(connection: "sup", lane: "out:8", entity: "SUP-8")))
            calls.end(try XCTUnwrap(finished))
        }
        let reopened = try InFlightCalls(path: path)
        XCTAssertEqual(reopened.interrupted, [InterruptedCall(plugin: "jira-like", operation: "get", site: site, startedMs: 1_000,
                                                              cause: .nodeDied)])
        XCTAssertEqual(try InFlightCalls(path: path).interrupted, [], "reported once, then cleared")
    }

    func testACleanExit_LeavesNothingToCharge() throws {
        let path = folder.file("inflight.map")
        do {
            let calls = try InFlightCalls(path: path)
            _ = calls.begin(call("get", site: site))
            calls.markCleanExit()
        }
        XCTAssertEqual(try InFlightCalls(path: path).interrupted, [])
    }

    func testLongValuesAreCutToTheirSlot_NotSpilledIntoTheNext() throws {
        let path = folder.file("inflight.map")
        let long = CallSite(connection: "c", lane: "out:" + String(repeating: "9", count: 400), entity: String(repeating: "é", count: 300))
        do { _ = try InFlightCalls(path: path).begin(call("get", site: long)) }
        let interrupted = try XCTUnwrap(try InFlightCalls(path: path).interrupted.first)
        XCTAssertEqual(interrupted.site?.connection, "c")
        XCTAssertEqual(interrupted.operation, "get")
        XCTAssertTrue(long.lane.hasPrefix(interrupted.site?.lane ?? "x"))
    }
}
