import Foundation
import LocalDeployment
import NodeHost
import TandemJSON
import TandemDigest

/// The two simulators as a person uses them (their public REST APIs, the
/// simulators' one account, which the nodes do not treat as their own), in
/// the history's words: Jira's values, ServiceNow's mapped to them.
struct HistoryTrackers: Sendable {
    let jira: TrackerClient
    let serviceNow: TrackerClient
    static let connection = SyncDeployment.connection

    /// One entity of either tracker, as read at the end of a run.
    struct Entity: Sendable {
        let side: HistorySide
        let id: String
        let key: String
        /// The id of the entity in the other tracker it was created from, if a node created it.
        let createdFrom: String?
        let fields: [HistoryField: String]
    }

    // MARK: Changes

    /// Creates an entity whose summary is `token`; returns its id and key.
    func create(_ side: HistorySide, _ token: String) throws -> (id: String, key: String) {
        switch side {
        case .jira:
            let key = try jira.createIssue(token)
            return (try jira.issue(key)["id"]?.stringValue ?? "", key)
        case .serviceNow:
            let created = try serviceNow.createIncident(token)
            return (created["sys_id"]?.stringValue ?? "", created["number"]?.stringValue ?? "")
        }
    }

    func edit(_ side: HistorySide, id: String, key: String, _ field: HistoryField, _ value: String) throws {
        switch (side, field) {
        case (.jira, .summary): try jira.editIssue(key, ["summary": .string(value)])
        case (.jira, .description): try jira.editIssue(key, ["description": .string(value)])
        case (.jira, .priority): try jira.editIssue(key, ["priority": ["name": .string(value)]])
        case (.jira, .assignee): try jira.editIssue(key, ["assignee": ["name": .string(value)]])
        case (.jira, .status): try transition(key, to: value)
        case (.serviceNow, .summary): try serviceNow.updateIncident(id, ["short_description": .string(value)])
        case (.serviceNow, .description): try serviceNow.updateIncident(id, ["description": .string(value)])
        case (.serviceNow, .assignee): try serviceNow.updateIncident(id, ["assigned_to": .string(value)])
        case (.serviceNow, .priority):
            // ServiceNow derives priority from impact + urgency − 1.
            let level = (HistoryField.priorities.firstIndex(of: value) ?? 2) + 1
            let impact = (level + 1) / 2, urgency = level + 1 - impact
            try serviceNow.updateIncident(id, ["impact": .string(String(impact)), "urgency": .string(String(urgency))])
        case (.serviceNow, .status):
            let state = Self.serviceNowState[value] ?? "1"
            var fields: JSON = ["state": .string(state)]
            if state == "6" { fields["close_code"] = "Solved (Permanently)"; fields["close_notes"] = "resolved by the history run" }
            try serviceNow.updateIncident(id, fields)
        }
    }

    /// Jira moves by transitions only (To Do → In Progress → Done → To Do):
    /// at most two hops reach any status.
    private func transition(_ key: String, to status: String) throws {
        for _ in 0..<3 {
            let current = try jira.issue(key)["fields"]?["status"]?["name"]?.stringValue
            if current == status { return }
            let transitions = try jira.request("GET", "/rest/api/2/issue/\(key)/transitions")["transitions"]?.arrayValue ?? []
            let names = transitions.compactMap { $0["to"]?["name"]?.stringValue }
            let next = names.contains(status) ? status : (status == "Done" ? "In Progress" : "To Do")
            try jira.transitionIssue(key, to: names.contains(next) ? next : names.first ?? status)
        }
    }

    func comment(_ side: HistorySide, id: String, key: String, _ body: String) throws {
        switch side {
        case .jira: try jira.commentIssue(key, body)
        case .serviceNow: try serviceNow.updateIncident(id, ["comments": .string(body)])
        }
    }

    func attach(_ side: HistorySide, id: String, key: String, filename: String, bytes: [UInt8]) throws {
        switch side {
        case .jira: try jira.attachToIssue(key, filename: filename, bytes: bytes)
        case .serviceNow: try serviceNow.attachToIncident(id, filename: filename, bytes: bytes)
        }
    }

    // MARK: Reads

    /// Every entity of `side`'s tracker.
    func entities(_ side: HistorySide) throws -> [Entity] {
        switch side {
        case .jira:
            let issues = try jira.searchIssues("project = SUP", fields: "*all")
            return issues.map { issue in
                let fields = issue["fields"] ?? .null
                let marker = "tandem-\(Self.connection):"
                let label = fields["labels"]?.arrayValue?.compactMap(\.stringValue).first { $0.hasPrefix(marker) }
                return Entity(side: .jira, id: issue["id"]?.stringValue ?? "", key: issue["key"]?.stringValue ?? "",
                              createdFrom: label.map { String($0.dropFirst(marker.count)) },
                              fields: [.summary: fields["summary"]?.stringValue ?? "", .description: fields["description"]?.stringValue ?? "",
                                       .priority: fields["priority"]?["name"]?.stringValue ?? "",
                                       .status: fields["status"]?["name"]?.stringValue ?? "",
                                       .assignee: fields["assignee"]?["name"]?.stringValue ?? ""])
            }
        case .serviceNow:
            let marker = "\(Self.connection):"
            return try serviceNow.incidents().map { incident in
                let correlation = incident["correlation_id"]?.stringValue ?? ""
                let priority = incident["priority"]?.stringValue ?? ""
                return Entity(side: .serviceNow, id: incident["sys_id"]?.stringValue ?? "", key: incident["number"]?.stringValue ?? "",
                              createdFrom: correlation.hasPrefix(marker) ? String(correlation.dropFirst(marker.count)) : nil,
                              fields: [.summary: incident["short_description"]?.stringValue ?? "",
                                       .description: incident["description"]?.stringValue ?? "",
                                       .priority: Self.jiraPriority[priority] ?? priority,
                                       .status: Self.jiraStatus[incident["state"]?.stringValue ?? ""] ?? "",
                                       .assignee: Self.serviceNowLogin[Self.display(incident["assigned_to"])] ?? ""])
            }
        }
    }

    /// The comment bodies of one entity.
    func comments(_ side: HistorySide, id: String, key: String) throws -> [String] {
        side == .jira ? try jira.issueComments(key) : try serviceNow.incidentComments(id)
    }

    /// The SHA-256 (hex) of each attachment of one entity, from its stored bytes.
    func attachmentDigests(_ side: HistorySide, id: String, key: String) throws -> [String] {
        switch side {
        case .jira:
            try jira.issueAttachments(key).compactMap { $0["id"]?.stringValue }.map { Self.digest(try jira.jiraAttachmentBytes($0)) }
        case .serviceNow:
            try serviceNow.incidentAttachments(id).compactMap { $0["sys_id"]?.stringValue }.map { Self.digest(try serviceNow.serviceNowAttachmentBytes($0)) }
        }
    }

    /// Whether `field` of the entity reads `value` (in Jira's words).
    func shows(_ side: HistorySide, id: String, key: String, _ field: HistoryField, _ value: String) throws -> Bool {
        switch side {
        case .jira:
            let fields = try jira.issue(key)["fields"] ?? .null
            return switch field {
            case .summary, .description: fields[field.rawValue]?.stringValue == value
            case .priority, .status: fields[field.rawValue]?["name"]?.stringValue == value
            case .assignee: fields["assignee"]?["name"]?.stringValue == value
            }
        case .serviceNow:
            let incident = try serviceNow.request("GET", "/api/now/table/incident/\(id)?sysparm_display_value=true")["result"] ?? .null
            return switch field {
            case .summary: incident["short_description"]?.stringValue == value
            case .description: incident["description"]?.stringValue == value
            case .priority: Self.jiraPriority[incident["priority"]?.stringValue ?? ""] == value
            case .status: Self.jiraStatus[incident["state"]?.stringValue ?? ""] == value
            case .assignee: Self.serviceNowLogin[Self.display(incident["assigned_to"])] == value
            }
        }
    }

    /// A reference shown with `sysparm_display_value=true`: `{display_value, link}`, or "" when empty.
    private static func display(_ value: JSON?) -> String { value?["display_value"]?.stringValue ?? value?.stringValue ?? "" }

    static func digest(_ bytes: [UInt8]) -> String { Digest.hex(Digest.sha256(bytes)) }

    // The example scripts' maps, both ways.
    /// The Table API takes a choice field's code, not its label (a label is
    /// stored as written, as by ServiceNow without sysparm_input_display_value).
    static let serviceNowState = ["To Do": "1", "In Progress": "2", "Done": "6"]
    static let jiraStatus = ["New": "To Do", "In Progress": "In Progress", "On Hold": "In Progress",
                             "Resolved": "Done", "Closed": "Done", "Canceled": "Done"]
    static let jiraPriority = ["1 - Critical": "Highest", "2 - High": "High", "3 - Moderate": "Medium",
                               "4 - Low": "Low", "5 - Planning": "Lowest"]
    /// ServiceNow shows a user by name; the history writes logins.
    static let serviceNowLogin = ["Beth Anglin": "beth.anglin", "Admin": "admin"]
}
