import TandemHTTP

extension BackgroundProcess {
    /// The sum of this node's `/metrics` series of `family` whose labels
    /// contain `labels` (e.g. `by="tracker"`); touches no tracker.
    public func metricSum(_ family: String, labels: String = "") throws -> Double {
        let text = try HTTPClient(maxIdleConnectionsPerHost: 0).send(HTTPClientRequest(method: "GET", url: url + "/metrics")).text
        return text.split(separator: "\n")
            .filter { ($0.hasPrefix(family + "{") || $0.hasPrefix(family + " ")) && (labels.isEmpty || $0.contains(labels)) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
