import PluginKit

extension ServiceNowConnector {
    /// `webhook.parse` {"headers", "body"} → {"events": [...]}.
    ///
    /// Reads Tandem's ServiceNow change notification (schema
    /// `tandem.servicenow.event/1`, docs/simulators.md), which the simulator
    /// sends and the shipped business rule makes a real instance send. It
    /// carries no record, so events have no `entity`: the node re-reads. An
    /// attachment added to a record is announced as an `update` of that record
    /// (`changed_fields` `["attachments"]`, actor the uploader), so it is an
    /// `updated` event of the record, and the node's own upload is
    /// `byIntegrationUser`.
    /// Makes no request: the actor is `sys_updated_by` as a bare user.
    func parseWebhook(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let payload = try request.webhookPayload(from: "ServiceNow")
        guard payload["schema"]?.stringValue == "tandem.servicenow.event/1", let sysID = payload["sys_id"]?.stringValue else {
            throw .invalid("webhook.parse: body is not a tandem.servicenow.event/1 notification")
        }
        if let table = payload["table"]?.stringValue, table != config.table {
            return ["events": []]
        }
        let changed = Set(payload["changed_fields"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let kind: String
        switch payload["operation"]?.stringValue {
        case "insert": kind = "created"
        case "delete": kind = "deleted"
        case "update": kind = !changed.isEmpty && changed.isSubset(of: ["comments", "work_notes"]) ? "commented" : "updated"
        default: throw .invalid("webhook.parse: operation must be insert, update or delete")
        }
        let actorName = payload["sys_updated_by"]?.stringValue ?? ""
        let actor: JSON = actorName.isEmpty ? .null : ["id": .string(actorName), "email": .null, "name": .string(actorName)]
        let updated = payload["sys_updated_on"]?.stringValue.flatMap(Timestamp.parse)
        return ["events": [[
            "kind": .string(kind), "id": .string(sysID), "key": payload["number"] ?? .null,
            "updated": updated.map { .string(Timestamp.iso($0)) } ?? .null,
            "actor": actor,
            "byIntegrationUser": .bool(!actorName.isEmpty && actorName.lowercased() == config.integrationUser?.lowercased()),
        ]]]
    }
}
