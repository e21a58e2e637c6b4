import Foundation
import LocalDeployment
import TandemHTTP
import TandemJSON

/// The demo's two nodes through their admin API: waiting for them to go
/// idle between steps, and pausing both connections, which is how a
/// "deliberate conflict" step makes both sides change one field before
/// either hears of the other.
struct DemoNodes {
    let blue: AdminClient
    let green: AdminClient
    /// Where the deployment wrote the nodes' configs (blue.json, green.json).
    let folder: String

    init(_ deployment: SyncDeployment) {
        blue = AdminClient(baseURL: deployment.blue.url, token: deployment.adminToken)
        green = AdminClient(baseURL: deployment.green.url, token: deployment.adminToken)
        folder = deployment.folder
    }

    /// Waits (at most `seconds`) until neither node has anything pending,
    /// queued or unacknowledged; returns whether they went idle.
    @discardableResult
    func waitUntilIdle(seconds: Double = 15) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if isIdle() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Whether neither node has anything pending, queued or unacknowledged.
    func isIdle() -> Bool {
        [blue, green].allSatisfy { node in
            guard let status = try? node.send("GET", "/admin/v1/status") else { return false }
            return (status["connections"]?.arrayValue ?? []).allSatisfy { connection in
                ["pending", "outbox", "inbox"].allSatisfy { connection[$0]?.intValue == 0 }
            }
        }
    }

    /// Pauses (or resumes) the demo's connection on both nodes.
    func setPaused(_ paused: Bool) throws {
        for node in [blue, green] {
            _ = try node.send("POST", "/admin/v1/connections/\(SyncDeployment.connection)/\(paused ? "pause" : "resume")")
        }
    }

    /// Waits (at most `seconds`) until both nodes hold at least one
    /// message in the connection's outbox: what a paused connection queues.
    func waitUntilQueued(seconds: Double = 10) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            let queued = [blue, green].allSatisfy { node in
                let status = try? node.send("GET", "/admin/v1/status")
                return (status?["connections"]?.arrayValue ?? []).contains {
                    $0["name"]?.stringValue == SyncDeployment.connection && ($0["outbox"]?.intValue ?? 0) > 0
                }
            }
            if queued { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Conflicts each node has detected on the connection, from its /metrics
    /// (`tandem_conflicts_total`, summed over policies).
    func conflictsDetected() -> (blue: Int, green: Int) {
        (Self.conflicts(blue), Self.conflicts(green))
    }

    private static func conflicts(_ node: AdminClient) -> Int {
        guard let response = try? HTTPClient().send(HTTPClientRequest(method: "GET", url: node.baseURL + "/metrics")),
              response.status == 200 else { return 0 }
        return response.text.split(separator: "\n")
            .filter { $0.hasPrefix("tandem_conflicts_total{") && $0.contains("connection=\"\(SyncDeployment.connection)\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    /// The `conflicts` policy node `name` applies to `field`, as its config
    /// file says (a string, or `{"default": …, "fields": {…}}`).
    func conflictPolicy(_ name: String, field: String) -> String {
        guard let data = FileManager.default.contents(atPath: folder + "/" + name + ".json"),
              let config = try? JSON(parsing: [UInt8](data)) else { return "unknown" }
        let conflicts = config["connections"]?[SyncDeployment.connection]?["conflicts"]
        if let policy = conflicts?.stringValue { return policy }
        return conflicts?["fields"]?[field]?.stringValue ?? conflicts?["default"]?.stringValue ?? "remote-wins"
    }
}
