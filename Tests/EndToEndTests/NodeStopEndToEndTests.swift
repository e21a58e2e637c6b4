import Foundation
import TandemJSON
import TestSupport
import XCTest

/// SIGTERM ends a node promptly whatever it is doing, polling included.
final class NodeStopEndToEndTests: XCTestCase {
    private var deployment: SyncDeployment!

    override func tearDown() {
        if let deployment, testRun?.hasSucceeded == false { print(deployment.logs) }
        deployment?.stop()
    }

    /// Seconds from SIGTERM to the exit of node `blue`, and its exit status.
    private func stopBlue() -> (seconds: Double, status: Int32) {
        let started = Date()
        let status = deployment.blue.stop()
        return (Date().timeIntervalSince(started), status)
    }

    func testSIGTERMWhileAPollWaitsOnASlowTracker_EndsTheNodeLongBeforeTheTrackerAnswers() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: 0.2))
        // From now on every Jira request takes 8 s: the next poll hangs in its search.
        try deployment.jira.request("POST", "/_sim/faults", ["latencyMs": 8_000])
        Thread.sleep(forTimeInterval: 1)
        let stop = stopBlue()
        XCTAssertEqual(stop.status, 0)
        XCTAssertLessThan(stop.seconds, 5, "the node waited for the tracker's answer")
    }

    func testSIGTERMBetweenPolls_IsNotLostUntilTheNextPoll() throws {
        deployment = try SyncDeployment.local(.init(webhooks: false, pollSeconds: 60))
        // The first poll of a fresh start runs for 0.4 s, shorter than the stop's
        // grace: a stop signalled during it must still end the 60 s wait that follows.
        deployment.blue.stop()
        try deployment.jira.request("POST", "/_sim/faults", ["latencyMs": 400])
        try deployment.startNode("blue")
        Thread.sleep(forTimeInterval: 0.2)
        let stop = stopBlue()
        XCTAssertEqual(stop.status, 0)
        XCTAssertLessThan(stop.seconds, 5, "the stop waited for the next poll (60 s)")
    }
}
