import LocalDeployment
import TandemHTTP

/// A node's `/metrics`, read without touching any tracker.
enum NodeMetrics {
    /// The sum of the series of `family` whose labels contain `labels` (e.g. `by="tracker"`).
    static func sum(_ family: String, labels: String = "", of node: BackgroundProcess) throws -> Double {
        let text = try HTTPClient(maxIdleConnectionsPerHost: 0).send(HTTPClientRequest(method: "GET", url: node.url + "/metrics")).text
        return text.split(separator: "\n")
            .filter { ($0.hasPrefix(family + "{") || $0.hasPrefix(family + " ")) && (labels.isEmpty || $0.contains(labels)) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
