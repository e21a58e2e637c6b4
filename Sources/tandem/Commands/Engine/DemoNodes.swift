import Foundation
import LocalDeployment
import TandemAdminClient
import TandemHTTP
import TandemCLI
import TandemJSON

/// The demo's two nodes through their admin API: waiting for them to go
/// idle between steps, and pausing both connections, which is how a
/// "deliberate conflict" step makes both sides change one field before
/// either hears of the other.
struct DemoNodes {
    let deployment: SyncDeployment
    /// Where the deployment wrote the nodes' configs (blue.json, green.json).
    var folder: String { deployment.folder }
    private var both: [NodeAdmin] { [deployment.blueAdmin, deployment.greenAdmin] }

    init(_ deployment: SyncDeployment) {
        self.deployment = deployment
    }

    /// Waits (at most `seconds`) until neither node has anything pending,
    /// queued or unacknowledged; returns whether they went idle.
    @discardableResult
    func waitUntilIdle(seconds: Double = 15) -> Bool {
        deployment.waitUntilIdle(seconds: seconds)
    }

    /// Whether neither node has anything pending, queued or unacknowledged.
    func isIdle() -> Bool { both.allSatisfy(\.isIdle) }

    /// Pauses (or resumes) the demo's connection on both nodes.
    func setPaused(_ paused: Bool) throws {
        let action = paused ? "pause" : "resume"
        for node in both where node.send("POST", "/admin/v1/connections/\(SyncDeployment.connection)/\(action)") == nil {
            throw CommandError("cannot \(action) connection \(SyncDeployment.connection) on the node at \(node.baseURL)")
        }
    }

    /// Waits (at most `seconds`) until both nodes hold at least one message
    /// in their outbox: what a paused connection queues (the demo has one).
    func waitUntilQueued(seconds: Double = 10) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if both.allSatisfy({ ($0.depth("outbox") ?? 0) > 0 }) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Conflicts each node has detected on the connection, from its /metrics
    /// (`tandem_conflicts_total`, summed over policies).
    func conflictsDetected() -> (blue: Int, green: Int) {
        (Self.conflicts(deployment.blueAdmin), Self.conflicts(deployment.greenAdmin))
    }

    private static func conflicts(_ node: NodeAdmin) -> Int {
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
