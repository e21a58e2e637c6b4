import TandemJSON

/// How a field changed on both sides since the last sync is decided
/// (docs/conflicts.md): one policy for the connection, optionally
/// overridden per field.
///
/// Config: `"conflicts": "remote-wins"`, or
/// `"conflicts": {"default": "remote-wins", "fields": {"priority": "local-wins"}}`.
public struct ConflictPolicy: Sendable, Equatable {
    public enum Rule: String, Sendable, CaseIterable {
        case remoteWins = "remote-wins"
        case localWins = "local-wins"
        case newestWins = "newest-wins"
        case park
    }

    public var `default`: Rule
    public var fields: [String: Rule]

    public init(default rule: Rule, fields: [String: Rule]) {
        self.default = rule
        self.fields = fields
    }

    /// The rule for `field`.
    public func rule(for field: String) -> Rule { fields[field] ?? self.default }

    static func parse(_ reader: ConfigReader) throws(ConfigError) -> ConflictPolicy {
        if reader.json.stringValue != nil { return ConflictPolicy(default: try rule(reader), fields: [:]) }
        try reader.rejectUnknownKeys(["default", "fields"])
        var fields: [String: Rule] = [:]
        if let fieldsReader = try reader.member("fields") {
            for (name, _) in try fieldsReader.object() { fields[name] = try rule(try fieldsReader.required(name)) }
        }
        return ConflictPolicy(default: try reader.member("default").map { reader throws(ConfigError) in try rule(reader) } ?? .remoteWins,
                              fields: fields)
    }

    private static func rule(_ reader: ConfigReader) throws(ConfigError) -> Rule {
        let text = try reader.string()
        guard let rule = Rule(rawValue: text) else {
            throw ConfigError(reader.path, "unknown policy (expected one of: \(Rule.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return rule
    }
}
