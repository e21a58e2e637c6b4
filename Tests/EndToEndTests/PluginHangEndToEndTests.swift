import Foundation
import TandemJSON
import TestSupport
import XCTest

/// A plugin call that never returns ends one way or another: in the node it
/// is reported (not ready, an error line, a metric) while the admin API keeps
/// answering and SIGTERM still stops the node; in a plugin host it is killed
/// at the instance's timeout and charged to its entity.
final class PluginHangEndToEndTests: XCTestCase {
    func testInProcess_AHangingCallMakesTheNodeNotReady_WhileTheAdminAPIAnswers_AndSIGTERMStopsIt() throws {
        let nodes = try FileStoreNodePair(fault: "FAULT_HANG", blueInstance: ["timeoutMs": 1000])
        defer { nodes.stop() }
        try nodes.addBlueEntity(2, summary: "hangs")
        try nodes.startGreen()
        let blue = try nodes.launchBlue()
        defer { if blue.isRunning { kill(blue.processIdentifier, SIGKILL) } }
        let admin = nodes.blueAdmin
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            guard let readyz = try? admin.request("GET", "/readyz") else { return false }
            return readyz.status == 503 && readyz.text.contains("plugin c-filestore stalled: get of FS-2")
        }, nodes.logs)
        XCTAssertTrue(nodes.blueLog.contains("plugin c-filestore stalled: get of FS-2 on instance 'files'"), nodes.logs)
        XCTAssertTrue((try admin.request("GET", "/metrics")).text.contains("tandem_plugin_stalled_calls 1"))
        XCTAssertEqual(try admin.request("GET", "/admin/v1/status").status, 200)
        XCTAssertEqual(try admin.request("POST", "/admin/v1/sync", ["connection": "files", "key": "FS-1"]).status, 202,
                       "queued while the plugin hangs, not waited for")

        blue.terminate()
        XCTAssertTrue(eventually(timeout: 60) { !blue.isRunning }, "SIGTERM stops the node whatever the plugin does\n\(nodes.logs)")
        blue.waitUntilExit()
        XCTAssertEqual(blue.terminationReason, .exit)
        XCTAssertEqual(blue.terminationStatus, 0)
        XCTAssertTrue(nodes.blueLog.contains("stopping without waiting longer for plugin calls"), nodes.logs)
    }

    func testInProcess_EveryAdminRouteThatCallsThePlugin_AnswersWhileItHangs() throws {
        let nodes = try FileStoreNodePair(fault: "FAULT_HANG", blueInstance: ["timeoutMs": 1000])
        defer { nodes.stop() }
        try nodes.addBlueEntity(2, summary: "hangs")
        try nodes.startGreen()
        let blue = try nodes.launchBlue()
        defer { if blue.isRunning { kill(blue.processIdentifier, SIGKILL) } }
        let admin = nodes.blueAdmin
        XCTAssertTrue(eventually(timeout: 60, every: 0.2) {
            (try? admin.request("GET", "/readyz"))?.text.contains("plugin c-filestore stalled: get of FS-2") == true
        }, nodes.logs)
        // The plugin is not thread-safe: every later call waits behind the hung one.
        // Each request below would hang with it; NodeAdmin gives up after 30 s and throws.
        let routes: [(path: String, body: JSON, doing: String)] = [
            ("/admin/v1/connect", ["connection": "files", "localKey": "FS-1", "remoteKey": "FS-7"], "connecting FS-1 with FS-7"),
            ("/admin/v1/unsync", ["connection": "files", "key": "FS-1"], "unsyncing FS-1"),
            ("/admin/v1/relink", ["connection": "files", "key": "FS-1"], "re-linking FS-1"),
            ("/admin/v1/sync/query", ["connection": "files", "query": ""], "the search for ''"),
        ]
        for route in routes {
            let answer = try admin.request("POST", route.path, route.body)
            XCTAssertEqual(answer.status, 503, "\(route.path): \(answer.text)")
            XCTAssertTrue(answer.text.contains("plugin c-filestore is not answering: \(route.doing)"), "\(route.path): \(answer.text)")
        }
        XCTAssertEqual(try admin.request("POST", "/admin/v1/sync", ["connection": "files", "key": "FS-1"]).status, 202)
        XCTAssertEqual(try admin.request("GET", "/admin/v1/status").status, 200)
    }

    func testIsolated_AHangingCallIsKilledAtTheTimeout_AndParksItsEntityAfterThree_WhileAnotherSyncs() throws {
        let nodes = try FileStoreNodePair(fault: "FAULT_HANG", blueInstance: ["timeoutMs": 1000, "isolation": "process"])
        defer { nodes.stop() }
        try nodes.addBlueEntity(1, summary: "healthy")
        try nodes.addBlueEntity(2, summary: "hangs")
        try nodes.startGreen()
        let blue = try nodes.launchBlue()
        defer { if blue.isRunning { kill(blue.processIdentifier, SIGKILL) } }
        XCTAssertTrue(eventually(timeout: 90, every: 0.2) {
            nodes.parkedErrors().count == 1 && nodes.greenSummaries() == ["healthy"]
        }, nodes.logs)
        let reason = nodes.parkedErrors().first?["reason"]?.stringValue ?? ""
        XCTAssertTrue(reason.hasPrefix("plugin c-filestore timed out after 1000 ms (its plugin host was killed) during get of FS-2, 3 times in a row"),
                      reason)
        XCTAssertEqual(try nodes.blueAdmin.request("GET", "/readyz").status, 200, "no call of the node itself is stuck")
        blue.terminate()
        XCTAssertTrue(eventually(timeout: 60) { !blue.isRunning }, nodes.logs)
    }
}
