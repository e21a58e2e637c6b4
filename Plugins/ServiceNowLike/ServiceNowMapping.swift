import PluginKit

/// ServiceNow records (read with `sysparm_display_value=all`) → entity JSON,
/// and the base-system choice lists both ways.
enum ServiceNowMapping {
    /// `state` (and `incident_state`) codes by label.
    static let states: [(code: String, name: String)] = [
        ("1", "New"), ("2", "In Progress"), ("3", "On Hold"), ("6", "Resolved"), ("7", "Closed"), ("8", "Canceled"),
    ]
    /// Priority codes by label; priority is computed from impact × urgency,
    /// so a priority is written as the impact/urgency pair that yields it.
    static let priorities: [(code: String, name: String, impact: String, urgency: String)] = [
        ("1", "Critical", "1", "1"), ("2", "High", "1", "2"), ("3", "Moderate", "2", "2"),
        ("4", "Low", "2", "3"), ("5", "Planning", "3", "3"),
    ]
    static let choiceFields: Set<String> = ["state", "incident_state", "priority", "impact", "urgency", "hold_reason",
                                            "severity", "category", "subcategory", "close_code"]
    static let userFields: Set<String> = ["assigned_to", "caller_id", "opened_by", "resolved_by", "closed_by"]
    /// Write-only journal fields: a GET shows them empty; entries are the comments.
    static let droppedFields: Set<String> = ["comments", "work_notes", "comments_and_work_notes"]

    /// The plain value of a field read with display_value=all.
    static func value(_ field: JSON?) -> String {
        field?["value"]?.stringValue ?? field?.stringValue ?? ""
    }

    static func display(_ field: JSON?) -> String {
        field?["display_value"]?.stringValue ?? value(field)
    }

    /// The record's `fields`, with user references resolved by `user`.
    static func fields(_ record: JSON, user: (String) throws(ConnectorError) -> JSON) throws(ConnectorError) -> [String: JSON] {
        var fields: [String: JSON] = [:]
        for (name, field) in record.objectValue ?? [:] where !droppedFields.contains(name) {
            let raw = value(field)
            if userFields.contains(name) {
                fields[name] = raw.isEmpty ? .null : try user(raw)
            } else if choiceFields.contains(name) {
                fields[name] = raw.isEmpty ? .null : .object(["id": .string(raw), "name": .string(display(field))])
            } else if field["link"] != nil || (field["display_value"] != nil && display(field) != raw && isSysID(raw)) {
                fields[name] = .object(["id": .string(raw), "name": .string(display(field))])
            } else if name.hasSuffix("_on") || name.hasSuffix("_at"), let millis = Timestamp.parse(raw) {
                fields[name] = .string(Timestamp.iso(millis))
            } else {
                fields[name] = .string(raw)
            }
        }
        return fields
    }

    static func isSysID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// A ServiceNow datetime (UTC) as the entity's ISO form.
    static func time(_ text: String) -> JSON {
        Timestamp.parse(text).map { .string(Timestamp.iso($0)) } ?? .string(text)
    }

    /// The state code for a name (`"Resolved"`), a code (`"6"`) or `{"id"|"name"}`.
    static func stateCode(_ value: JSON) -> String? {
        if let id = value["id"]?.stringValue, states.contains(where: { $0.code == id }) { return id }
        guard let text = value.stringValue ?? value["name"]?.stringValue else { return nil }
        if states.contains(where: { $0.code == text }) { return text }
        return states.first { $0.name.lowercased() == text.lowercased() }?.code
    }

    /// The priority row for `"High"`, `"2 - High"`, `"2"` or `{"id"|"name"}`.
    static func priority(_ value: JSON) -> (code: String, name: String, impact: String, urgency: String)? {
        if let id = value["id"]?.stringValue, let row = priorities.first(where: { $0.code == id }) { return row }
        guard var text = value.stringValue ?? value["name"]?.stringValue else { return nil }
        if let row = priorities.first(where: { $0.code == text }) { return row }
        if text.count > 4, text.dropFirst().hasPrefix(" - ") { text = String(text.dropFirst(4)) }
        return priorities.first { $0.name.lowercased() == text.lowercased() }
    }

    static func attachment(_ meta: JSON) -> JSON {
        .object([
            "id": meta["sys_id"] ?? .null, "filename": meta["file_name"] ?? "",
            "mimeType": meta["content_type"] ?? "application/octet-stream",
            "size": .int(Int64(meta["size_bytes"]?.stringValue.flatMap { Int($0) } ?? meta["size_bytes"]?.intValue ?? 0)),
            "created": time(meta["sys_created_on"]?.stringValue ?? ""),
        ])
    }
}
