import PluginKit

/// The `fields` of `create`/`update` (contract shapes) → a Table API body.
///
/// `status` (or `state`) by name or code → the `state` code; `priority` by
/// name → the impact/urgency pair that computes it (unless those are given);
/// `assignee`/`assigned_to` and the other user references by email → sys_id,
/// null → `""` (clears). `{"id": …}` values write their id. Everything else is
/// written as given, so ServiceNow's own rules answer for it.
extension ServiceNowConnector {
    func tableFields(_ input: [String: JSON], for operation: String) throws(ConnectorError) -> [String: JSON] {
        var body: [String: JSON] = [:]
        var priority: (impact: String, urgency: String)?
        for (name, value) in input {
            switch name {
            case "status", "state", "incident_state":
                guard let code = ServiceNowMapping.stateCode(value) else {
                    let names = ServiceNowMapping.states.map { "\($0.name) (\($0.code))" }.joined(separator: ", ")
                    throw .invalid("\(operation): '\(value.stringValue ?? value.text)' is not a state; known: \(names)")
                }
                body["state"] = .string(code)
            case "priority":
                guard let row = ServiceNowMapping.priority(value) else {
                    let names = ServiceNowMapping.priorities.map { "\($0.code) - \($0.name)" }.joined(separator: ", ")
                    throw .invalid("\(operation): '\(value.stringValue ?? value.text)' is not a priority; known: \(names)")
                }
                priority = (row.impact, row.urgency)
            case "assignee", "assigned_to":
                body["assigned_to"] = try userValue(value, field: name, for: operation)
            case _ where ServiceNowMapping.userFields.contains(name):
                body[name] = try userValue(value, field: name, for: operation)
            default:
                body[name] = Self.plain(value)
            }
        }
        if let priority {
            if body["impact"] == nil { body["impact"] = .string(priority.impact) }
            if body["urgency"] == nil { body["urgency"] = .string(priority.urgency) }
        }
        return body
    }

    private func userValue(_ value: JSON, field: String, for operation: String) throws(ConnectorError) -> JSON {
        if value.isNull { return "" }
        let email = value["email"]?.stringValue ?? value.stringValue.flatMap { $0.contains("@") ? $0 : nil }
        if let email { return try user(email: email, for: operation)["id"] ?? "" }
        if let id = value["id"]?.stringValue ?? value.stringValue { return .string(id) }
        throw .invalid("\(operation): field '\(field)' must be an email, {\"email\": …}, a sys_id, or null")
    }

    /// A value as the Table API takes it: `{"id"}`/`{"value"}` objects write their id, null clears.
    static func plain(_ value: JSON) -> JSON {
        switch value {
        case .null: return ""
        case .object:
            return value["id"] ?? value["value"] ?? value["sys_id"] ?? value
        default: return value
        }
    }

    /// The entity of a record, with its journal and attachments when given.
    func entity(_ record: JSON, comments: [JSON]?, attachments: [JSON]?, for operation: String) throws(ConnectorError) -> JSON {
        let sysID = ServiceNowMapping.value(record["sys_id"])
        let fields = try ServiceNowMapping.fields(record) { (id: String) throws(ConnectorError) -> JSON in
            try user(sysID: id, for: operation)
        }
        var entity: [String: JSON] = [
            "id": .string(sysID), "key": .string(ServiceNowMapping.value(record["number"])), "type": .string(config.table),
            "url": .string(config.recordURL(sysID)),
            "updated": ServiceNowMapping.time(ServiceNowMapping.value(record["sys_updated_on"])),
            "fields": .object(fields),
        ]
        if let comments { entity["comments"] = .array(comments) }
        if let attachments { entity["attachments"] = .array(attachments) }
        // sys_mod_count: one more with every write, comments included (see `version`).
        let modCount = ServiceNowMapping.value(record["sys_mod_count"])
        if !modCount.isEmpty { entity["version"] = .string(modCount) }
        return .object(entity)
    }
}
