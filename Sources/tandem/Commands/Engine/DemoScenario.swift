import LocalDeployment
import TandemJSON

/// The demo's story, step by step, on one issue and its incident.
///
/// Each step acts on one simulator as a person would and checks the other
/// simulator through its own REST API. To add a step, add a `DemoStep` to
/// `steps`: `act` makes the change, `landed` returns what it sees once the
/// change arrived, `setup` (untimed) prepares it. The attachment steps are in
/// DemoScenario+Attachments.swift, the deliberate conflict in
/// DemoScenario+Conflict.swift.
final class DemoScenario {
    let jira: TrackerClient
    let serviceNow: TrackerClient
    let nodes: DemoNodes
    /// The Jira issue and its ServiceNow twin, once step 1 made them.
    private(set) var key = ""
    private(set) var sysID = ""
    private var aliceSysID = ""
    let summary = "Printer on fire"

    init(jira: TrackerClient, serviceNow: TrackerClient, nodes: DemoNodes) {
        self.jira = jira
        self.serviceNow = serviceNow
        self.nodes = nodes
    }

    /// Setup that is not part of the timeline: the assignee-by-email step
    /// needs one person known to both trackers under one email. The Jira
    /// simulator has alice@example.com; ServiceNow gets her as a sys_user.
    func prepare() throws {
        let alice = try serviceNow.request("POST", "/api/now/table/sys_user", [
            "user_name": "alice", "name": "Alice Example", "first_name": "Alice", "last_name": "Example",
            "email": "alice@example.com",
        ])
        aliceSysID = alice["result"]?["sys_id"]?.stringValue ?? ""
    }

    var steps: [DemoStep] {
        [
            DemoStep(title: "create an issue (priority High)", from: "Jira", to: "ServiceNow", act: { [self] in
                key = try jira.createIssue(summary, priority: "High")
                return key
            }, landed: { [self] in
                guard let incident = try serviceNow.incident(shortDescription: summary),
                      incident["priority"]?.stringValue == "2 - High" else { return nil }
                sysID = incident["sys_id"]?.stringValue ?? ""
                return incident["number"]?.stringValue ?? sysID
            }),
            DemoStep(title: "edit summary and description", from: "Jira", to: "ServiceNow", act: { [self] in
                try jira.editIssue(key, ["summary": "Printer on fire, 3rd floor", "description": "Smoke from tray 2."])
                return key
            }, landed: { [self] in
                let incident = try incident()
                return incident["short_description"]?.stringValue == "Printer on fire, 3rd floor"
                    && incident["description"]?.stringValue == "Smoke from tray 2." ? "short_description, description" : nil
            }),
            DemoStep(title: "comment", from: "Jira", to: "ServiceNow", act: { [self] in
                try jira.commentIssue(key, "Facilities informed.")
                return key
            }, landed: { [self] in
                try serviceNow.incidentComments(sysID).contains { $0.hasSuffix("Facilities informed.") } ? "comment" : nil
            }),
            DemoStep(title: "comment", from: "ServiceNow", to: "Jira", act: { [self] in
                try serviceNow.updateIncident(sysID, ["comments": "Extinguisher on its way."])
                return try number()
            }, landed: { [self] in
                try jira.issueComments(key).contains { $0.hasSuffix("Extinguisher on its way.") } ? "comment" : nil
            }),
            attachFromJira,
            attachFromServiceNow,
            DemoStep(title: "status → In Progress", from: "Jira", to: "ServiceNow", act: { [self] in
                try jira.transitionIssue(key, to: "In Progress")
                return key
            }, landed: { [self] in
                try incident()["state"]?.stringValue == "In Progress" ? "state In Progress" : nil
            }),
            DemoStep(title: "assign to alice@example.com", from: "Jira", to: "ServiceNow", act: { [self] in
                try jira.request("PUT", "/rest/api/2/issue/\(key)/assignee", ["name": "alice"])
                return key
            }, landed: { [self] in
                let raw = try serviceNow.request("GET", "/api/now/table/incident/\(sysID)?sysparm_display_value=false")["result"]?["assigned_to"]
                let assigned = raw?.stringValue ?? raw?["value"]?.stringValue
                return assigned == aliceSysID && !aliceSysID.isEmpty ? "assigned_to Alice Example" : nil
            }),
            // ServiceNow derives priority from impact × urgency, as people set it there.
            DemoStep(title: "priority → 1 - Critical", from: "ServiceNow", to: "Jira", act: { [self] in
                try serviceNow.updateIncident(sysID, ["impact": "1", "urgency": "1"])
                return try number()
            }, landed: { [self] in
                try jira.issue(key)["fields"]?["priority"]?["name"]?.stringValue == "Highest" ? "priority Highest" : nil
            }),
            conflict,
            DemoStep(title: "state → Resolved", from: "ServiceNow", to: "Jira", act: { [self] in
                try serviceNow.updateIncident(sysID, ["state": "6", "close_code": "Solved (Permanently)",
                                                      "close_notes": "Printer replaced."])
                return try number()
            }, landed: { [self] in
                try jira.issue(key)["fields"]?["status"]?["name"]?.stringValue == "Done" ? "status Done" : nil
            }),
        ]
    }

    /// The incident's number (INC…), as the timeline shows it.
    func number() throws -> String {
        sysID.isEmpty ? "?" : (try incident()["number"]?.stringValue ?? sysID)
    }

    /// The incident of the scenario, with display values.
    func incident() throws -> JSON {
        try serviceNow.request("GET", "/api/now/table/incident/\(sysID)?sysparm_display_value=true")["result"] ?? .null
    }
}
