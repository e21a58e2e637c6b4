import TandemJSON

/// Writes records the way the Table API does, honouring `sysparm_fields`,
/// `sysparm_display_value` and `sysparm_exclude_reference_link`.
struct ServiceNowRenderer {
    enum DisplayMode: Equatable { case value, display, all }

    let state: ServiceNowState
    var fields: [String] = []
    var display: DisplayMode = .value
    var excludeReferenceLink = false

    func render(_ record: ServiceNowRecord) -> JSON {
        guard let table = ServiceNowSchema.tables[record.table] else { return .null }
        let names = fields.isEmpty ? table.fields : fields.filter { table.fields.contains($0) }
        var object: [String: JSON] = [:]
        for name in names { object[name] = value(record, name, table) }
        return .object(object)
    }

    private func value(_ record: ServiceNowRecord, _ name: String, _ table: ServiceNowTable) -> JSON {
        let raw = record.fields[name] ?? ""
        if let target = table.references[name] {
            guard !raw.isEmpty else { return display == .all ? ["display_value": "", "value": ""] : "" }
            let link = "\(state.baseURL)/api/now/table/\(target)/\(raw)"
            let shown = state.tables[target]?[raw].flatMap { $0.fields[ServiceNowSchema.tables[target]?.displayField ?? "name"] } ?? ""
            switch display {
            case .value: return excludeReferenceLink ? .string(raw) : ["link": .string(link), "value": .string(raw)]
            case .display: return excludeReferenceLink ? .string(shown) : ["link": .string(link), "display_value": .string(shown)]
            case .all:
                var object: [String: JSON] = ["display_value": .string(shown), "value": .string(raw)]
                if !excludeReferenceLink { object["link"] = .string(link) }
                return .object(object)
            }
        }
        let shown = table.choices[name]?[raw] ?? raw
        switch display {
        case .value: return .string(raw)
        case .display: return .string(shown)
        case .all: return ["display_value": .string(shown), "value": .string(raw)]
        }
    }

    /// Attachment metadata: every member a string, plus `download_link`.
    func attachment(_ record: ServiceNowRecord) -> JSON {
        var object: [String: JSON] = record.fields.mapValues(JSON.string)
        object["download_link"] = .string("\(state.baseURL)/api/now/attachment/\(record.sysID)/file")
        object["table_sys_id"] = .string(record.fields["table_sys_id"] ?? "")
        return .object(object)
    }
}
