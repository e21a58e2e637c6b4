import TandemJSON

/// What one conformance check concluded.
struct ConformanceOutcome: Sendable, Equatable {
    enum Status: String, Sendable { case pass, fail, skip }

    let name: String
    let status: Status
    /// Why it failed or was skipped; empty for a pass.
    let reason: String

    static func pass(_ name: String) -> ConformanceOutcome { .init(name: name, status: .pass, reason: "") }
    static func fail(_ name: String, _ reason: String) -> ConformanceOutcome { .init(name: name, status: .fail, reason: reason) }
    static func skip(_ name: String, _ reason: String) -> ConformanceOutcome { .init(name: name, status: .skip, reason: reason) }

    /// `PASS name`, `FAIL name: reason`, `SKIP name: reason`.
    var line: String {
        switch status {
        case .pass: return "PASS \(name)"
        case .fail: return "FAIL \(name): \(reason)"
        case .skip: return "SKIP \(name): \(reason)"
        }
    }

    var json: JSON {
        ["name": .string(name), "status": .string(status.rawValue), "reason": reason.isEmpty ? .null : .string(reason)]
    }

    /// Reads the one line a child prints: `{"status","reason"}`.
    static func fromChild(_ name: String, _ text: String) -> ConformanceOutcome? {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        guard let json = try? JSON(parsing: line), let status = json["status"]?.stringValue.flatMap(Status.init) else { return nil }
        return ConformanceOutcome(name: name, status: status, reason: json["reason"]?.stringValue ?? "")
    }
}
