import Foundation
import LocalDeployment
import TandemJSON

/// The demo's two nodes through their admin API: waiting for them to go
/// idle between steps, and pausing both connections, which is how a
/// "deliberate conflict" step makes both sides change one field before
/// either hears of the other.
struct DemoNodes {
    let blue: AdminClient
    let green: AdminClient

    init(_ deployment: SyncDeployment) {
        blue = AdminClient(baseURL: deployment.blue.url, token: deployment.adminToken)
        green = AdminClient(baseURL: deployment.green.url, token: deployment.adminToken)
    }

    /// Waits (at most `seconds`) until neither node has anything pending,
    /// queued or unacknowledged; returns whether they went idle.
    @discardableResult
    func waitUntilIdle(seconds: Double = 15) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            let idle = [blue, green].allSatisfy { node in
                guard let status = try? node.send("GET", "/admin/v1/status") else { return false }
                return (status["connections"]?.arrayValue ?? []).allSatisfy { connection in
                    ["pending", "outbox", "inbox"].allSatisfy { connection[$0]?.intValue == 0 }
                }
            }
            if idle { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Pauses (or resumes) the demo's connection on both nodes.
    func setPaused(_ paused: Bool) throws {
        for node in [blue, green] {
            _ = try node.send("POST", "/admin/v1/connections/\(SyncDeployment.connection)/\(paused ? "pause" : "resume")")
        }
    }
}
