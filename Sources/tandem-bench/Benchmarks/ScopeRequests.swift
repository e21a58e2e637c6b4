import LocalDeployment

/// Tracker requests the nodes made to check `trigger.query`
/// (`tandem_scope_checks_total{by="tracker"}`, one `match` each), summed over
/// both nodes; read from their `/metrics`, which costs no tracker request.
enum ScopeRequests {
    static func count(_ deployment: SyncDeployment) throws -> Int {
        Int(try [deployment.blue!, deployment.green!].reduce(0) { $0 + (try $1.metricSum("tandem_scope_checks_total", labels: "by=\"tracker\"")) })
    }
}
