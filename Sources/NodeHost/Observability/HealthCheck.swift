import Dispatch
import Foundation
import Synchronization
import TandemHTTP
import TandemJSON

/// `GET /healthz`: the node is alive, and whether each tracker instance
/// answers.
///
/// Policy: the answer is always 200 while the node serves HTTP. A tracker that
/// is down is the tracker's problem, not the node's: restarting the node
/// would not help, and its queues keep the changes until the tracker is back.
/// So an unreachable tracker turns `status` into `"degraded"` and names the
/// cause under `trackers`, without failing the liveness check:
///
///     {"status":"degraded","trackers":{"jira":"unreachable: connection refused …","servicenow":"ok"}}
///
/// A tracker counts as reachable when it answers any HTTP status to a GET of
/// its base URL (401 and 404 included): the check is about the network path,
/// not credentials, which show up as parked errors and in
/// `tandem_tracker_requests_total{status="401"}`.
struct HealthCheck: Sendable {
    /// Instance name → base URL.
    let trackers: [String: String]
    /// Bounds each probe, so a black-holed tracker cannot hang the check.
    var timeoutSeconds = 2.0
    /// Instance name → private CA file for its HTTPS.
    let caFiles: [String: String]
    /// Why the node's own store is failing, if it is: reported as `"store"`
    /// (present only then) with `status` "degraded".
    var storeProblem: @Sendable () -> String? = { nil }

    init(trackers: [String: String], caFiles: [String: String] = [:]) {
        self.trackers = trackers
        self.caFiles = caFiles
    }

    func handle() -> HTTPResponse {
        let report = probeAll()
        let store = storeProblem()
        let healthy = report.values.allSatisfy { $0 == "ok" } && store == nil
        var body: [String: JSON] = ["status": .string(healthy ? "ok" : "degraded"), "trackers": .object(report.mapValues(JSON.string))]
        if let store { body["store"] = .string(store) }  // only while failing: a healthy answer keeps its shape
        return .json(200, .object(body))
    }

    /// Probes every tracker at once; the check takes as long as the slowest.
    func probeAll() -> [String: String] {
        let names = trackers.keys.sorted()
        let results = Mutex<[String: String]>([:])
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            let name = names[index]
            let outcome = probe(trackers[name]!, caFile: caFiles[name])
            results.withLock { $0[name] = outcome }
        }
        return results.withLock { $0 }
    }

    private func probe(_ baseURL: String, caFile: String?) -> String {
        do {
            _ = try HTTPClient(maxIdleConnectionsPerHost: 0, caFile: caFile).send(HTTPClientRequest(method: "GET", url: baseURL, timeoutSeconds: timeoutSeconds))
            return "ok"
        } catch {
            return "unreachable: \(error)"
        }
    }
}
