import PluginKit

/// Jira's REST shapes → the entity JSON (docs/connector-guide.md, "The operations").
///
/// Field names stay Jira's own (`summary`, `status`, `customfield_10010`);
/// only the value shapes are normalised: status, priority, issue type and
/// resolution become `{"id","name"}`, users `{"id","email","name"}`, times ISO
/// UTC with milliseconds. `comment` and `attachment` move out of `fields` into
/// the entity's `comments` and `attachments`.
enum JiraMapping {
    static let namedFields: Set<String> = ["status", "priority", "issuetype", "resolution"]
    static let userFields: Set<String> = ["assignee", "reporter", "creator"]
    static let timeFields: Set<String> = ["created", "updated", "resolutiondate", "lastViewed"]
    /// Jira bookkeeping with no meaning for a sync.
    static let droppedFields: Set<String> = ["comment", "attachment", "watches", "votes", "worklog", "timetracking",
                                              "aggregateprogress", "progress", "thumbnail"]

    /// - Parameter emails: e-mails by accountId for Cloud users whose e-mail Jira hides.
    static func entity(_ issue: JSON, browse: (String) -> String, emails: [String: String] = [:]) -> JSON {
        let key = issue["key"]?.stringValue ?? ""
        let fields = issue["fields"]?.objectValue ?? [:]
        var mapped: [String: JSON] = [:]
        for (name, value) in fields where !droppedFields.contains(name) {
            mapped[name] = field(name, value, emails: emails)
        }
        let comments = fields["comment"]?["comments"]?.arrayValue ?? []
        let attachments = fields["attachment"]?.arrayValue ?? []
        return .object([
            "id": .string(idText(issue["id"])), "key": .string(key), "type": "issue", "url": .string(browse(key)),
            "updated": time(fields["updated"]),
            "fields": .object(mapped),
            "comments": .array(comments.map { comment($0, emails: emails) }),
            "attachments": .array(attachments.map(attachment)),
        ])
    }

    static func field(_ name: String, _ value: JSON, emails: [String: String] = [:]) -> JSON {
        if value.isNull { return .null }
        if namedFields.contains(name) { return named(value) }
        if userFields.contains(name) { return user(value, emails: emails) }
        if timeFields.contains(name) { return time(value) }
        if name == "project" {
            return .object(["id": .string(idText(value["id"])), "key": value["key"] ?? .null, "name": value["name"] ?? .null])
        }
        return value
    }

    /// `{"id","name"}` of a status, priority, issue type or resolution.
    static func named(_ value: JSON) -> JSON {
        guard value.objectValue != nil else { return value }
        return .object(["id": .string(idText(value["id"])), "name": value["name"] ?? .null])
    }

    /// `{"id","email","name"}`: id is the Server user name, or the Cloud accountId.
    /// A hidden Cloud e-mail comes from `emails` (the `userMap`), else is null.
    static func user(_ value: JSON, emails: [String: String] = [:]) -> JSON {
        guard value.objectValue != nil else { return .null }
        let name = value["name"]?.stringValue ?? ""
        let id = name.isEmpty ? (value["accountId"]?.stringValue ?? value["key"]?.stringValue ?? "") : name
        let shown = value["emailAddress"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let email = shown ?? value["accountId"]?.stringValue.flatMap { emails[$0] }
        return .object([
            "id": .string(id),
            "email": email.map(JSON.string) ?? .null,
            "name": value["displayName"] ?? value["name"] ?? .null,
        ])
    }

    /// Internal when Service Management marks it so (`jsdPublic: false`) or it
    /// is restricted to a role or group (`visibility`).
    static func comment(_ value: JSON, emails: [String: String] = [:]) -> JSON {
        let restricted = !(value["visibility"]?.isNull ?? true)
        return .object([
            "id": .string(idText(value["id"])), "author": user(value["author"] ?? .null, emails: emails),
            "body": value["body"] ?? "", "created": time(value["created"]),
            "internal": .bool(restricted || value["jsdPublic"]?.boolValue == false),
        ])
    }

    static func attachment(_ value: JSON) -> JSON {
        .object([
            "id": .string(idText(value["id"])), "filename": value["filename"] ?? "",
            "mimeType": value["mimeType"] ?? "application/octet-stream",
            "size": .int(Int64(value["size"]?.intValue ?? 0)), "created": time(value["created"]),
        ])
    }

    /// A Jira datetime as ISO UTC with milliseconds; unparseable text is kept as is.
    static func time(_ value: JSON?) -> JSON {
        guard let text = value?.stringValue else { return value ?? .null }
        return Timestamp.parse(text).map { .string(Timestamp.iso($0)) } ?? .string(text)
    }

    /// Ids arrive as strings, or as numbers from Cloud.
    static func idText(_ value: JSON?) -> String {
        value?.stringValue ?? value?.intValue.map(String.init) ?? ""
    }

    /// A status or priority given by name: `"Done"` or `{"name": "Done"}`.
    static func name(of value: JSON) -> String? {
        value.stringValue ?? value["name"]?.stringValue
    }
}
