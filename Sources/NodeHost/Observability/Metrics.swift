import Foundation

/// Counters, gauges and histograms, rendered in the Prometheus text format.
///
/// Names follow Prometheus conventions (`tandem_syncs_total`, `_seconds`).
/// Label values are escaped; series appear in a stable (sorted) order.
/// Thread: any.
public final class Metrics: @unchecked Sendable {
    struct Series: Hashable, Comparable {
        let name: String
        let labels: [String: String]

        var rendered: String {
            guard !labels.isEmpty else { return name }
            let pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }
            return name + "{" + pairs.joined(separator: ",") + "}"
        }

        static func < (left: Series, right: Series) -> Bool { left.rendered < right.rendered }
    }

    /// Bucket upper bounds for latency histograms, in seconds.
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private let lock = NSLock()
    private var counters: [Series: Double] = [:]
    private var histograms: [Series: (buckets: [Int], count: Int, sum: Double)] = [:]
    private var help: [String: (String, String)] = [:]
    /// Gauges computed when scraped (queue depths read from the store).
    private var gaugeSources: [@Sendable () -> [(name: String, labels: [String: String], value: Double)]] = []

    public init() {}

    func describe(_ name: String, type: String, _ text: String) {
        lock.withLock { help[name] = (type, text) }
    }

    func increment(_ name: String, _ labels: [String: String] = [:], by amount: Double = 1) {
        lock.withLock { counters[Series(name: name, labels: labels), default: 0] += amount }
    }

    func observe(_ name: String, _ labels: [String: String] = [:], seconds: Double) {
        lock.withLock {
            let series = Series(name: name, labels: labels)
            var histogram = histograms[series] ?? (Array(repeating: 0, count: Self.latencyBuckets.count), 0, 0)
            for (index, bound) in Self.latencyBuckets.enumerated() where seconds <= bound { histogram.buckets[index] += 1 }
            histogram.count += 1
            histogram.sum += seconds
            histograms[series] = histogram
        }
    }

    func addGaugeSource(_ source: @escaping @Sendable () -> [(name: String, labels: [String: String], value: Double)]) {
        lock.withLock { gaugeSources.append(source) }
    }

    /// The value of a counter, for tests and `status`.
    func counter(_ name: String, _ labels: [String: String] = [:]) -> Double {
        lock.withLock { counters[Series(name: name, labels: labels)] ?? 0 }
    }

    /// All series in the Prometheus text exposition format.
    public func render() -> String {
        let (counters, histograms, help, sources) = lock.withLock { (self.counters, self.histograms, self.help, gaugeSources) }
        var gauges: [Series: Double] = [:]
        for source in sources { for gauge in source() { gauges[Series(name: gauge.name, labels: gauge.labels)] = gauge.value } }
        var lines: [String] = []
        var described: Set<String> = []
        func header(_ name: String, _ fallbackType: String) {
            guard described.insert(name).inserted else { return }
            let (type, text) = help[name] ?? (fallbackType, name)
            lines.append("# HELP \(name) \(text)")
            lines.append("# TYPE \(name) \(type)")
        }
        for (series, value) in counters.sorted(by: { $0.key < $1.key }) {
            header(series.name, "counter")
            lines.append("\(series.rendered) \(format(value))")
        }
        for (series, value) in gauges.sorted(by: { $0.key < $1.key }) {
            header(series.name, "gauge")
            lines.append("\(series.rendered) \(format(value))")
        }
        for (series, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            header(series.name, "histogram")
            for (index, bound) in Self.latencyBuckets.enumerated() {
                var labels = series.labels
                labels["le"] = format(bound)
                lines.append("\(Series(name: series.name + "_bucket", labels: labels).rendered) \(histogram.buckets[index])")
            }
            var infinite = series.labels
            infinite["le"] = "+Inf"
            lines.append("\(Series(name: series.name + "_bucket", labels: infinite).rendered) \(histogram.count)")
            lines.append("\(Series(name: series.name + "_sum", labels: series.labels).rendered) \(format(histogram.sum))")
            lines.append("\(Series(name: series.name + "_count", labels: series.labels).rendered) \(histogram.count)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

private func escape(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n")
}
