import Foundation

/// A scrape of `/metrics` parsed from the Prometheus text format, written
/// here from the format's rules so the tests do not trust the renderer.
struct PrometheusText {
    /// Series as written (`name{a="1",b="2"}`) → value.
    private(set) var samples: [String: Double] = [:]
    private(set) var types: [String: String] = [:]
    private(set) var helps: Set<String> = []

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ text: String) throws {
        for line in text.split(separator: "\n").map(String.init) where !line.isEmpty {
            if line.hasPrefix("# HELP ") {
                helps.insert(String(line.dropFirst(7).split(separator: " ").first ?? ""))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2 else { throw Malformed(description: "bad TYPE line: \(line)") }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                    throw Malformed(description: "bad sample line: \(line)")
                }
                let series = String(line[..<space])
                guard series.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?$"#,
                                   options: .regularExpression) != nil else {
                    throw Malformed(description: "bad series name or labels: \(series)")
                }
                samples[series] = value
            }
        }
    }

    /// The value of `name` with exactly these labels (0 when absent).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples[Self.series(name, labels)] ?? 0
    }

    func has(_ name: String, _ labels: [String: String] = [:]) -> Bool { samples[Self.series(name, labels)] != nil }

    static func series(_ name: String, _ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }
}
