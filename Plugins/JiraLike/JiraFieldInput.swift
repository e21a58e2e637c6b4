import PluginKit

/// The `fields` of `create`/`update` (contract shapes) → Jira's REST field values.
///
/// `status` is not a Jira field: it is returned apart and reached by a
/// transition. `priority`/`issuetype` may be a name; `assignee`/`reporter` an
/// email (string or `{"email"}`) resolved to the Jira user, or null. Anything
/// else goes to Jira unchanged, so Jira's own validation speaks for it.
extension JiraConnector {
    struct FieldInput {
        var fields: [String: JSON] = [:]
        var status: String?
    }

    func jiraFields(_ input: [String: JSON], for operation: String) throws(ConnectorError) -> FieldInput {
        var result = FieldInput()
        for (name, value) in input {
            switch name {
            case "status":
                guard let status = JiraMapping.name(of: value), !status.isEmpty else {
                    throw .invalid("\(operation): field 'status' must be a status name or {\"name\": …}")
                }
                result.status = status
            case "priority", "issuetype", "resolution":
                result.fields[name] = value.stringValue.map { .object(["name": .string($0)]) } ?? value
            case "project":
                result.fields[name] = value.stringValue.map { .object(["key": .string($0)]) } ?? value
            case "assignee", "reporter":
                result.fields[name] = try userReference(value, field: name, for: operation)
            default:
                result.fields[name] = value
            }
        }
        return result
    }

    /// The user given by email, by `{"email"}`, or already by name/accountId, as
    /// the deployment writes users: `{"accountId"}` on Cloud, `{"name"}` on Data Center.
    private func userReference(_ value: JSON, field: String, for operation: String) throws(ConnectorError) -> JSON {
        if value.isNull { return .null }
        let email = value["email"]?.stringValue ?? value.stringValue.flatMap { $0.contains("@") ? $0 : nil }
        if let email { return try userWriteReference(try jiraUser(email: email, for: operation), for: operation) }
        let cloud = try deployment(for: operation) == .cloud
        if let id = value.stringValue ?? value["id"]?.stringValue {
            return .object([cloud ? "accountId" : "name": .string(id)])
        }
        if value["accountId"] != nil || (!cloud && value["name"] != nil) { return value }
        if cloud && value["name"] != nil {
            throw .invalid("\(operation): field '\(field)': Jira Cloud names users by accountId; give an email or {\"accountId\": …}")
        }
        throw .invalid("\(operation): field '\(field)' must be an email, {\"email\": …}, or null")
    }

    /// Moves `idOrKey` to the status named `status`: through the transition
    /// that reaches it (matched by target status or transition name, ignoring
    /// case), or, when none does from here, through up to
    /// `maxTransitionHops` transitions to statuses not visited yet, looking
    /// again from each (a workflow may need To Do → In Progress → Done).
    ///
    /// - Throws: `.invalid` naming the statuses tried when no path is found
    ///   and the issue is not already there.
    func transition(_ idOrKey: String, to status: String, for operation: String) throws(ConnectorError) {
        let segment = Self.segment(idOrKey)
        let wanted = status.lowercased()
        var visited: [String] = []
        for _ in 0...Self.maxTransitionHops {
            let available = try jira(operation, "GET", "/issue/\(segment)/transitions")["transitions"]?.arrayValue ?? []
            let target = { (transition: JSON) in transition["to"]?["name"]?.stringValue?.lowercased() }
            if let match = available.first(where: { target($0) == wanted })
                ?? available.first(where: { $0["name"]?.stringValue?.lowercased() == wanted }) {
                try post(transition: match, segment, for: operation)
                return
            }
            if visited.isEmpty {
                let current = try jira(operation, "GET", "/issue/\(segment)", query: [("fields", "status")])["fields"]?["status"]?["name"]?.stringValue
                if current?.lowercased() == wanted { return }
                visited.append(current?.lowercased() ?? "?")
            }
            guard visited.count <= Self.maxTransitionHops,
                  let step = available.first(where: { target($0).map { !visited.contains($0) } ?? false }) else { break }
            try post(transition: step, segment, for: operation)
            visited.append(target(step) ?? "?")
        }
        throw .invalid("\(operation): no path of at most \(Self.maxTransitionHops) transitions leads from '\(visited.first ?? "?")' to '\(status)'; went through: \(visited.joined(separator: " → "))")
    }

    static let maxTransitionHops = 3

    private func post(transition: JSON, _ segment: String, for operation: String) throws(ConnectorError) {
        _ = try jira(operation, "POST", "/issue/\(segment)/transitions",
                     body: ["transition": ["id": .string(JiraMapping.idText(transition["id"]))]])
    }
}
