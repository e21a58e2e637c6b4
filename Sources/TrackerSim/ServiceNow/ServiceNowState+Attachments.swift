import TandemTime
import TandemDigest

/// The Attachment API's records (`sys_attachment`) and their bytes (blob `sn-<sys_id>`).
/// Attaching does not touch the target record's `sys_updated_on` (as in ServiceNow);
/// the shipped business rule on `sys_attachment` (examples/servicenow) announces
/// the target record instead, and so does the simulator: an `update` notice of
/// the record, unchanged, whose actor is the uploader and whose
/// `changed_fields` is `["attachments"]`.
extension ServiceNowState {
    func addAttachment(table: String, tableSysID: String, fileName: String, contentType: String, bytes: [UInt8], user: String) throws -> ServiceNowRecord {
        guard ServiceNowSchema.tables[table] != nil, table != "sys_attachment" else { throw ServiceNowFailure.invalidTable(table) }
        guard tables[table]?[tableSysID] != nil else {
            throw ServiceNowFailure(404, "Record doesn't exist or ACL restricts the record retrieval", "Invalid table_sys_id \(tableSysID) for table \(table)")
        }
        let sysID = SimIdentifiers.sysID()
        let now = Timestamp.spaced(Timestamp.now())
        return try transaction {
            try store.putBlob("sn-\(sysID)", bytes)
            let record = ServiceNowRecord(table: "sys_attachment", sequence: nextSequence(), fields: [
                "sys_id": sysID, "file_name": fileName, "content_type": contentType, "size_bytes": String(bytes.count),
                "size_compressed": String(bytes.count), "table_name": table, "table_sys_id": tableSysID,
                "hash": Digest.hex(Digest.sha256(bytes)),
                "sys_created_on": now, "sys_created_by": user, "sys_updated_on": now, "sys_updated_by": user, "sys_mod_count": "0",
            ])
            try store.put("sn.record", sysID, record)
            set("sys_attachment", sysID, record)
            if let parent = tables[table]?[tableSysID] {
                notify(parent, operation: "update", changed: ["attachments"], actor: user)
            }
            return record
        }
    }

    func attachmentBytes(_ sysID: String) throws -> [UInt8] {
        _ = try record("sys_attachment", sysID)
        guard let bytes = try store.blob("sn-\(sysID)") else { throw ServiceNowFailure.noRecord }
        return bytes
    }
}
