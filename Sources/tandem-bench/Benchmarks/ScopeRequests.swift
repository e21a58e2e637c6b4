import LocalDeployment
import TandemHTTP

/// Tracker requests the nodes made to check `trigger.query`
/// (`tandem_scope_checks_total{by="tracker"}`, one `match` each), summed over
/// both nodes; read from their `/metrics`, which costs no tracker request.
enum ScopeRequests {
    static func count(_ deployment: SyncDeployment) throws -> Int {
        let client = HTTPClient(maxIdleConnectionsPerHost: 0)
        var total = 0.0
        for node in [deployment.blue!, deployment.green!] {
            let text = try client.send(HTTPClientRequest(method: "GET", url: node.url + "/metrics")).text
            for line in text.split(separator: "\n")
            where line.hasPrefix("tandem_scope_checks_total{") && line.contains("by=\"tracker\"") {
                total += line.split(separator: " ").last.flatMap { Double($0) } ?? 0
            }
        }
        return Int(total)
    }
}
