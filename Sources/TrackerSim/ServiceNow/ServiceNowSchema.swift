
enum ServiceNowSchema {
    static let states = ["1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed", "8": "Canceled"]
    static let holdReasons = ["1": "Awaiting Caller", "3": "Awaiting Problem", "4": "Awaiting Vendor", "5": "Awaiting Change"]
    static let levels = ["1": "1 - High", "2": "2 - Medium", "3": "3 - Low"]
    static let priorities = ["1": "1 - Critical", "2": "2 - High", "3": "3 - Moderate", "4": "4 - Low", "5": "5 - Planning"]

    static let incident = ServiceNowTable(
        name: "incident",
        fields: ["number", "short_description", "description", "state", "incident_state", "active", "impact", "urgency",
                 "priority", "caller_id", "assigned_to", "assignment_group", "category", "subcategory", "hold_reason",
                 "close_code", "close_notes", "comments", "work_notes", "correlation_id", "correlation_display",
                 "opened_at", "opened_by", "resolved_at", "resolved_by", "closed_at", "closed_by", "sys_class_name"]
            + ServiceNowTable.systemFields,
        defaults: ["state": "1", "incident_state": "1", "active": "true", "impact": "3", "urgency": "3", "priority": "5",
                   "category": "inquiry", "sys_class_name": "incident"],
        references: ["caller_id": "sys_user", "assigned_to": "sys_user", "opened_by": "sys_user", "resolved_by": "sys_user", "closed_by": "sys_user"],
        choices: ["state": states, "incident_state": states, "hold_reason": holdReasons, "impact": levels, "urgency": levels, "priority": priorities],
        displayField: "number")

    static let user = ServiceNowTable(
        name: "sys_user",
        fields: ["user_name", "name", "first_name", "last_name", "email", "active", "time_zone"] + ServiceNowTable.systemFields,
        defaults: ["active": "true", "time_zone": "GMT"],
        references: [:], choices: [:], displayField: "name")

    static let journal = ServiceNowTable(
        name: "sys_journal_field",
        fields: ["name", "element", "element_id", "value"] + ServiceNowTable.systemFields,
        defaults: [:], references: [:], choices: [:], displayField: "value")

    static let attachment = ServiceNowTable(
        name: "sys_attachment",
        fields: ["file_name", "content_type", "size_bytes", "size_compressed", "table_name", "table_sys_id", "hash"] + ServiceNowTable.systemFields,
        defaults: [:], references: [:], choices: [:], displayField: "file_name")

    static let tables: [String: ServiceNowTable] = [
        incident.name: incident, user.name: user, journal.name: journal, attachment.name: attachment,
    ]

    /// Incident priority from impact and urgency (base-system lookup; writes to priority are overridden).
    static func priority(impact: String, urgency: String) -> String {
        let sum = (Int(impact) ?? 3) + (Int(urgency) ?? 3)
        return String(max(1, min(5, sum - 1)))
    }
}
