import Foundation
import TandemJSON
import TandemTime

/// Everything a simulated ServiceNow instance holds, and the writes on it.
///
/// Invariants: (1) accessed only under the simulator's lock; (2) a request's writes
/// go to `store` in one transaction before memory changes; (3) an insert, a real
/// update (some field or the journal changed) or a delete of an incident, and
/// an attachment added to one, appends one change notification to `outbox`; an
/// update that changes nothing bumps neither `sys_mod_count` nor
/// `sys_updated_on` and notifies nobody; (4) records
/// change only through `set`, which keeps the indexes (insertion order and
/// `sys_updated_on` order per table, users by name, child rows per parent)
/// and, inside a transaction, an undo log: a failed request undoes its own
/// changes instead of the state being copied first.
final class ServiceNowState {
    let store: SimStore
    var baseURL: String
    private(set) var tables: [String: [String: ServiceNowRecord]] = [:]
    var outbox: [JSON] = []
    private var sequence = 0
    /// Per table: records by `(sequence, sys_id)` (insertion order) and by
    /// `(sys_updated_on in milliseconds, sys_id)`.
    private var bySequence: [String: UpdatedIndex<String>] = [:]
    private(set) var byUpdated: [String: UpdatedIndex<String>] = [:]
    private var userIDByName: [String: String] = [:]
    /// Per table, field and value of `indexedFields`: the records holding it.
    private var byValue: [ValueKey: Set<String>] = [:]
    /// Journal entries and attachments by the sys_id of their record.
    private var childrenByParent: [String: Set<String>] = [:]
    private var undo: [(table: String, sysID: String, old: ServiceNowRecord?)]?

    /// Fields that queries look records up by one value of (a connector's
    /// `correlation_id=` lookup before each create, an incident `number=`):
    /// indexed as the instance indexes them, so such a lookup does not read the table.
    static let indexedFields = ["correlation_id", "number"]

    private struct ValueKey: Hashable {
        var table: String
        var field: String
        var value: String
    }

    /// Sets (nil: removes) a record, keeping the indexes and the undo log.
    func set(_ table: String, _ sysID: String, _ record: ServiceNowRecord?) {
        let old = tables[table]?[sysID]
        undo?.append((table, sysID, old))
        tables[table, default: [:]][sysID] = record
        if old?.sequence != record?.sequence {
            if let old { bySequence[table]?.remove(updated: Int64(old.sequence), id: sysID) }
            if let record { bySequence[table, default: .init()].insert(updated: Int64(record.sequence), id: sysID) }
        }
        let oldUpdated = old.map(Self.updatedMillis), newUpdated = record.map(Self.updatedMillis)
        if oldUpdated != newUpdated {
            if let oldUpdated { byUpdated[table]?.remove(updated: oldUpdated, id: sysID) }
            if let newUpdated { byUpdated[table, default: .init()].insert(updated: newUpdated, id: sysID) }
        }
        if table == "sys_user" {
            if let name = old?.fields["user_name"] { userIDByName[name] = nil }
            if let name = record?.fields["user_name"] { userIDByName[name] = sysID }
        }
        for field in Self.indexedFields where old?.fields[field] != record?.fields[field] {
            if let value = old?.fields[field] { byValue[ValueKey(table: table, field: field, value: value)]?.remove(sysID) }
            if let value = record?.fields[field] { byValue[ValueKey(table: table, field: field, value: value), default: []].insert(sysID) }
        }
        if let parent = Self.parent(of: old) { childrenByParent[parent]?.remove(sysID) }
        if let parent = Self.parent(of: record) { childrenByParent[parent, default: []].insert(sysID) }
    }

    static func updatedMillis(_ record: ServiceNowRecord) -> Int64 {
        Timestamp.parseLiteral(record.fields["sys_updated_on"] ?? "") ?? 0
    }

    private static func parent(of record: ServiceNowRecord?) -> String? {
        switch record?.table {
        case "sys_journal_field"?: return record?.fields["element_id"]
        case "sys_attachment"?: return record?.fields["table_sys_id"]
        default: return nil
        }
    }

    /// Journal entries and attachments of the record `sysID`.
    func children(of sysID: String) -> [ServiceNowRecord] {
        (childrenByParent[sysID] ?? []).compactMap { tables["sys_journal_field"]?[$0] ?? tables["sys_attachment"]?[$0] }
    }

    func nextSequence() -> Int {
        sequence += 1
        return sequence
    }

    init(store: SimStore, baseURL: String, user: String) throws {
        self.store = store
        self.baseURL = baseURL
        for name in ServiceNowSchema.tables.keys { tables[name] = [:] }
        for record in try store.all("sn.record", as: ServiceNowRecord.self) {
            set(record.table, record.sysID, record)
            sequence = max(sequence, record.sequence)
        }
        for (userName, fullName) in [(user, user.capitalized), ("beth.anglin", "Beth Anglin")] where self.user(named: userName) == nil {
            let parts = fullName.split(separator: " ").map(String.init)
            _ = try insert("sys_user", ["user_name": userName, "name": fullName, "first_name": parts.first ?? "",
                                        "last_name": parts.dropFirst().joined(separator: " "), "email": "\(userName)@example.com"],
                           user: "system")
        }
    }

    /// Runs one request's writes in one store transaction; if anything fails (also
    /// the commit), memory and the outbox go back to where they were.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        let outer = undo == nil
        if outer { undo = [] }
        let (outboxCount, sequenceBefore) = (outbox.count, sequence)
        do {
            let result = try store.write(body)
            if outer { undo = nil }
            return result
        } catch {
            if outer {
                let entries = undo ?? []
                undo = nil
                for entry in entries.reversed() { set(entry.table, entry.sysID, entry.old) }
                sequence = sequenceBefore
            }
            outbox.removeSubrange(outboxCount...)
            throw error
        }
    }

    func table(_ name: String) throws(ServiceNowFailure) -> ServiceNowTable {
        guard let table = ServiceNowSchema.tables[name] else { throw .invalidTable(name) }
        return table
    }

    func record(_ table: String, _ sysID: String) throws(ServiceNowFailure) -> ServiceNowRecord {
        _ = try self.table(table)
        guard let record = tables[table]?[sysID] else { throw .noRecord }
        return record
    }

    func user(named name: String) -> ServiceNowRecord? {
        userIDByName[name].flatMap { tables["sys_user"]?[$0] }
    }

    /// Records of `table` in insertion order.
    func rows(_ table: String) -> [ServiceNowRecord] {
        guard let records = tables[table], let order = bySequence[table] else { return [] }
        return order.entries().compactMap { records[$0.id] }
    }

    /// Records of `table` whose `field` (one of `indexedFields`) is `value`, in insertion order.
    func rows(_ table: String, where field: String, equals value: String) -> [ServiceNowRecord] {
        let ids = byValue[ValueKey(table: table, field: field, value: value)] ?? []
        return ids.compactMap { tables[table]?[$0] }.sorted { $0.sequence < $1.sequence }
    }

    // MARK: - Writes

    /// The writable fields of a JSON body as strings; unknown and system fields are dropped.
    func values(from body: JSON, for table: ServiceNowTable) throws(ServiceNowFailure) -> [String: String] {
        guard case .object(let members) = body else {
            throw ServiceNowFailure(400, "Exception while reading request", "The payload is not valid JSON.")
        }
        var result: [String: String] = [:]
        for (key, value) in members where table.fields.contains(key) && !ServiceNowTable.systemFields.contains(key) && key != "number" {
            var text: String
            switch value {
            case .string(let string): text = string
            case .int(let number): text = String(number)
            case .double(let number): text = String(number)
            case .bool(let flag): text = flag ? "true" : "false"
            case .null: text = ""
            case .object: text = value["value"]?.stringValue ?? value["sys_id"]?.stringValue ?? ""
            case .array(let items): text = items.compactMap(\.stringValue).joined(separator: ",")
            }
            if let target = table.references[key], !text.isEmpty, tables[target]?[text] == nil {
                // A reference may be written by display value (user_name) as well as by sys_id.
                if let user = user(named: text) ?? tables[target]?.values.first(where: { $0.fields["name"] == text }) { text = user.sysID }
            }
            result[key] = text
        }
        return result
    }

    func insert(_ tableName: String, _ input: [String: String], user: String) throws -> ServiceNowRecord {
        let table = try self.table(tableName)
        let now = Timestamp.spaced(Timestamp.now())
        var fields = table.defaults
        for field in table.fields where fields[field] == nil { fields[field] = "" }
        let journal = (input["comments"] ?? "", input["work_notes"] ?? "")
        for (key, value) in input where key != "comments" && key != "work_notes" { fields[key] = value }
        fields["sys_id"] = SimIdentifiers.sysID()
        fields["sys_created_on"] = now
        fields["sys_created_by"] = user
        fields["sys_updated_on"] = now
        fields["sys_updated_by"] = user
        fields["sys_mod_count"] = "0"
        return try transaction {
            if tableName == "incident" {
                fields["number"] = "INC" + String(try store.next("sn.incident.number", after: 10000)).leftPadded(to: 7)
                fields["opened_at"] = fields["opened_at"]!.isEmpty ? now : fields["opened_at"]!
                if fields["opened_by"]!.isEmpty { fields["opened_by"] = self.user(named: user)?.sysID ?? "" }
                try applyIncidentRules(&fields, previous: nil, user: user, now: now)
            }
            sequence += 1
            let record = ServiceNowRecord(table: tableName, sequence: sequence, fields: fields)
            try store.put("sn.record", record.sysID, record)
            set(tableName, record.sysID, record)
            var changed = Set(input.keys.filter { !(input[$0] ?? "").isEmpty })
            if try addJournal(record, comments: journal.0, workNotes: journal.1, user: user, now: now) { changed.formUnion(["comments", "work_notes"].filter { !(input[$0] ?? "").isEmpty }) }
            notify(record, operation: "insert", changed: changed)
            return record
        }
    }

    /// PATCH and PUT: sets the given fields; `""` clears. Returns the record as it is now.
    func update(_ tableName: String, _ sysID: String, _ input: [String: String], user: String) throws -> ServiceNowRecord {
        let table = try self.table(tableName)
        var record = try record(tableName, sysID)
        let previous = record.fields
        var fields = record.fields
        for (key, value) in input where key != "comments" && key != "work_notes" && table.fields.contains(key) { fields[key] = value }
        let now = Timestamp.spaced(Timestamp.now())
        return try transaction {
            if tableName == "incident" { try applyIncidentRules(&fields, previous: previous, user: user, now: now) }
            var changed = Set(fields.keys.filter { fields[$0] != previous[$0] })
            let journalChanged = try addJournal(record, comments: input["comments"] ?? "", workNotes: input["work_notes"] ?? "", user: user, now: now)
            if journalChanged { changed.formUnion(["comments", "work_notes"].filter { !(input[$0] ?? "").isEmpty }) }
            guard !changed.isEmpty else { return record }
            fields["sys_updated_on"] = now
            fields["sys_updated_by"] = user
            fields["sys_mod_count"] = String((Int(previous["sys_mod_count"] ?? "0") ?? 0) + 1)
            record.fields = fields
            try store.put("sn.record", record.sysID, record)
            set(tableName, sysID, record)
            notify(record, operation: "update", changed: changed)
            return record
        }
    }

    func delete(_ tableName: String, _ sysID: String, user: String) throws {
        let record = try record(tableName, sysID)
        try transaction {
            var doomed = [record]
            if tableName != "sys_journal_field" && tableName != "sys_attachment" {
                doomed += children(of: sysID)
            }
            for row in doomed {
                try store.delete("sn.record", row.sysID)
                if row.table == "sys_attachment" { try store.deleteBlob("sn-\(row.sysID)") }
            }
            for row in doomed { set(row.table, row.sysID, nil) }
            var gone = record
            gone.fields["sys_updated_by"] = user
            notify(gone, operation: "delete", changed: [])
        }
    }

    /// Appends journal entries for non-empty `comments` / `work_notes`; true when any was written.
    private func addJournal(_ record: ServiceNowRecord, comments: String, workNotes: String, user: String, now: String) throws -> Bool {
        var wrote = false
        for (element, value) in [("comments", comments), ("work_notes", workNotes)] where !value.isEmpty {
            sequence += 1
            let entry = ServiceNowRecord(table: "sys_journal_field", sequence: sequence, fields: [
                "sys_id": SimIdentifiers.sysID(), "name": record.table, "element": element, "element_id": record.sysID, "value": value,
                "sys_created_on": now, "sys_created_by": user, "sys_updated_on": now, "sys_updated_by": user, "sys_mod_count": "0",
            ])
            try store.put("sn.record", entry.sysID, entry)
            set("sys_journal_field", entry.sysID, entry)
            wrote = true
        }
        return wrote
    }

    /// Base-system incident rules: state mirrored in incident_state, priority from
    /// impact × urgency, active false once closed or canceled, resolve/close stamps,
    /// and the data policies (hold reason for On Hold, close code and notes to resolve).
    private func applyIncidentRules(_ fields: inout [String: String], previous: [String: String]?, user: String, now: String) throws {
        if fields["state"] != previous?["state"] {
            fields["incident_state"] = fields["state"]
        } else if fields["incident_state"] != previous?["incident_state"] {
            fields["state"] = fields["incident_state"]
        }
        fields["priority"] = ServiceNowSchema.priority(impact: fields["impact"] ?? "3", urgency: fields["urgency"] ?? "3")
        let state = fields["state"] ?? "1"
        fields["active"] = state == "7" || state == "8" ? "false" : "true"
        if state == "3" && (fields["hold_reason"] ?? "").isEmpty {
            throw ServiceNowFailure(403, "Operation Failed", "Data Policy Exception: \n The following fields are mandatory: On hold reason\n")
        }
        if state != "3" { fields["hold_reason"] = "" }
        if state == "6" || state == "7" {
            var missing: [String] = []
            if (fields["close_code"] ?? "").isEmpty { missing.append("Resolution code") }
            if (fields["close_notes"] ?? "").isEmpty { missing.append("Resolution notes") }
            if !missing.isEmpty {
                throw ServiceNowFailure(403, "Operation Failed", "Data Policy Exception: \n The following fields are mandatory: \(missing.joined(separator: ", "))\n")
            }
            if previous?["state"] != state {
                let me = self.user(named: user)?.sysID ?? ""
                if (fields["resolved_at"] ?? "").isEmpty { fields["resolved_at"] = now; fields["resolved_by"] = me }
                if state == "7" { fields["closed_at"] = now; fields["closed_by"] = me }
            }
        } else if state == "1" || state == "2" || state == "3" {
            for key in ["resolved_at", "resolved_by", "closed_at", "closed_by"] { fields[key] = "" }
        }
    }

    /// Queues Tandem's change notification (docs/simulators.md) for incident changes.
    /// `actor` is who made the change when it is not the record's
    /// `sys_updated_by`: an attachment's uploader, since attaching leaves the
    /// record as it was.
    func notify(_ record: ServiceNowRecord, operation: String, changed: Set<String>, actor: String? = nil) {
        guard record.table == "incident" else { return }
        outbox.append(.object([
            "schema": "tandem.servicenow.event/1", "delivery_id": .string(SimIdentifiers.uuid()), "table": .string(record.table),
            "sys_id": .string(record.sysID), "number": .string(record.fields["number"] ?? ""), "operation": .string(operation),
            "sys_updated_on": .string(record.fields["sys_updated_on"] ?? ""), "sys_mod_count": .string(record.fields["sys_mod_count"] ?? "0"),
            "sys_updated_by": .string(actor ?? record.fields["sys_updated_by"] ?? ""),
            "changed_fields": .array(changed.filter { !ServiceNowTable.systemFields.contains($0) }.sorted().map(JSON.string)),
        ]))
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
