import TandemJSON

/// The fields `GET /field` lists, with the `clauseNames` JQL knows them by.
enum JiraFieldCatalog {
    struct Field {
        var id: String
        var name: String
        var custom = false
        var navigable = true
        var clauseNames: [String]
        var schemaType: String
        var items: String? = nil
        var system: String? = nil
    }

    static let fields: [Field] = [
        Field(id: "summary", name: "Summary", clauseNames: ["summary"], schemaType: "string", system: "summary"),
        Field(id: "description", name: "Description", clauseNames: ["description"], schemaType: "string", system: "description"),
        Field(id: "issuetype", name: "Issue Type", clauseNames: ["issuetype", "type"], schemaType: "issuetype", system: "issuetype"),
        Field(id: "project", name: "Project", clauseNames: ["project"], schemaType: "project", system: "project"),
        Field(id: "priority", name: "Priority", clauseNames: ["priority"], schemaType: "priority", system: "priority"),
        Field(id: "status", name: "Status", clauseNames: ["status"], schemaType: "status", system: "status"),
        Field(id: "resolution", name: "Resolution", clauseNames: ["resolution"], schemaType: "resolution", system: "resolution"),
        Field(id: "resolutiondate", name: "Resolved", clauseNames: ["resolutiondate", "resolved"], schemaType: "datetime", system: "resolutiondate"),
        Field(id: "assignee", name: "Assignee", clauseNames: ["assignee"], schemaType: "user", system: "assignee"),
        Field(id: "reporter", name: "Reporter", clauseNames: ["reporter"], schemaType: "user", system: "reporter"),
        Field(id: "creator", name: "Creator", clauseNames: ["creator"], schemaType: "user", system: "creator"),
        Field(id: "labels", name: "Labels", clauseNames: ["labels"], schemaType: "array", items: "string", system: "labels"),
        Field(id: "duedate", name: "Due Date", clauseNames: ["due", "duedate"], schemaType: "date", system: "duedate"),
        Field(id: "created", name: "Created", clauseNames: ["created", "createdDate"], schemaType: "datetime", system: "created"),
        Field(id: "updated", name: "Updated", clauseNames: ["updated", "updatedDate"], schemaType: "datetime", system: "updated"),
        Field(id: "comment", name: "Comment", navigable: false, clauseNames: ["comment"], schemaType: "comments-page", system: "comment"),
        Field(id: "attachment", name: "Attachment", navigable: false, clauseNames: ["attachments"], schemaType: "array", items: "attachment", system: "attachment"),
        Field(id: "subtasks", name: "Sub-Tasks", clauseNames: ["subtasks"], schemaType: "array", items: "issuelinks", system: "subtasks"),
        Field(id: "issuelinks", name: "Linked Issues", clauseNames: ["issueLink"], schemaType: "array", items: "issuelinks", system: "issuelinks"),
        Field(id: "components", name: "Component/s", clauseNames: ["component"], schemaType: "array", items: "component", system: "components"),
        Field(id: "fixVersions", name: "Fix Version/s", clauseNames: ["fixVersion"], schemaType: "array", items: "version", system: "fixVersions"),
        Field(id: "versions", name: "Affects Version/s", clauseNames: ["affectedVersion"], schemaType: "array", items: "version", system: "versions"),
        Field(id: "watches", name: "Watchers", clauseNames: ["watchers"], schemaType: "watches", system: "watches"),
        Field(id: "customfield_10010", name: "Remote Key", custom: true, clauseNames: ["cf[10010]", "Remote Key"], schemaType: "string"),
    ]

    static func json(base: String) -> JSON {
        .array(fields.map { field in
            var schema: [String: JSON] = ["type": .string(field.schemaType)]
            if let items = field.items { schema["items"] = .string(items) }
            if let system = field.system { schema["system"] = .string(system) } else {
                schema["custom"] = "com.atlassian.jira.plugin.system.customfieldtypes:textfield"
                schema["customId"] = .int(Int64(field.id.dropFirst("customfield_".count)) ?? 0)
            }
            return .object([
                "id": .string(field.id), "key": .string(field.id), "name": .string(field.name), "custom": .bool(field.custom),
                "orderable": .bool(true), "navigable": .bool(field.navigable), "searchable": .bool(true),
                "clauseNames": .array(field.clauseNames.map(JSON.string)), "schema": .object(schema),
            ])
        })
    }
}
