import LocalDeployment
import TandemJSON

/// The deliberate conflict: with the connection paused on both nodes, the
/// summary is edited in Jira and the short description in ServiceNow, so
/// each node queues its side's value; on resume each node receives the
/// other's value for a field it changed itself since the last sync, and its
/// `conflicts` policy decides. The demo pairs `local-wins` on blue with
/// `remote-wins` on green (`conflictPolicies`), so Jira's edit wins on both
/// sides, as the example configs say too; `remote-wins` on both would swap
/// the two edits. The step holds only when the nodes are idle, both trackers
/// agree on one of the two edits and the nodes' `tandem_conflicts_total`
/// moved. Its milliseconds run from the resume to that settled agreement.
extension DemoScenario {
    /// The demo's `conflicts` policies, set through `SyncDeployment.Options.editConfig`
    /// so that the step holds whatever the example configs are edited to
    /// (they say the same today: blue local-wins, green remote-wins).
    static let conflictPolicies: @Sendable (String, inout JSON) -> Void = { node, config in
        config["connections"]?[SyncDeployment.connection]?["conflicts"] = .string(node == "blue" ? "local-wins" : "remote-wins")
    }

    var conflict: DemoStep {
        let fromJira = "Printer on fire, 3rd floor (per Jira)"
        let fromServiceNow = "Printer on fire, 3rd floor (per ServiceNow)"
        let before = ConflictCounts()
        return DemoStep(title: "conflict: summary edited on both", from: "both", to: "both", act: { [self] in
            try nodes.setPaused(false)
            return key
        }, landed: { [self] in
            // Settled first: while messages are in flight the two trackers
            // can agree for a moment and then part again.
            guard nodes.isIdle() else { return nil }
            let jiraValue = try jira.issue(key)["fields"]?["summary"]?.stringValue
            let serviceNowValue = try incident()["short_description"]?.stringValue
            let policies = "blue \(nodes.conflictPolicy("blue", field: "summary")), "
                + "green \(nodes.conflictPolicy("green", field: "short_description"))"
            guard let jiraValue, jiraValue == serviceNowValue, [fromJira, fromServiceNow].contains(jiraValue) else {
                throw DemoCheckFailure("the trackers disagree (Jira \"\(jiraValue ?? "-")\", ServiceNow \"\(serviceNowValue ?? "-")\") "
                    + "under policies \(policies); pair local-wins with remote-wins, or newest-wins on both")
            }
            let detected = nodes.conflictsDetected()
            let seen = (blue: detected.blue - before.blue, green: detected.green - before.green)
            guard seen.blue + seen.green > 0 else { return nil }
            let winner = jiraValue == fromJira ? "Jira's" : "ServiceNow's"
            return "\(winner) edit won on both: \(policies) (conflicts seen: blue \(seen.blue), green \(seen.green))"
        }, timeoutSeconds: 20, setup: { [self] in
            let counted = nodes.conflictsDetected()
            before.blue = counted.blue
            before.green = counted.green
            try nodes.setPaused(true)
            try jira.editIssue(key, ["summary": .string(fromJira)])
            try serviceNow.updateIncident(sysID, ["short_description": .string(fromServiceNow)])
            // Each node must have queued its side's edit before the resume, so
            // both edits really cross.
            guard nodes.waitUntilQueued() else {
                throw DemoCheckFailure("the paused nodes did not queue both edits within 10 s")
            }
        })
    }
}

/// Conflicts counted by each node before the step, to see them move.
private final class ConflictCounts {
    var blue = 0
    var green = 0
}
