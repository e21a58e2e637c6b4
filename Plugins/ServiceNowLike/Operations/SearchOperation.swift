import PluginKit

extension ServiceNowConnector {
    /// `search` {"query", "cursor", "overlapSeconds", "limit"} → {"refs", "cursor", "more"}.
    ///
    /// Two sweeps, each a `SearchPager` with its own position in the cursor
    /// (`ServiceNowSearchCursor`):
    ///
    /// 1. the records: `<query>^sys_updated_on>=<bound>^ORDERBYsys_updated_on^ORDERBYsys_id`
    ///    on the Table API;
    /// 2. their attachments, since attaching a file leaves the record's
    ///    `sys_updated_on` as it was: `table_name=<table>^sys_created_on>=<bound>^ORDERBYsys_created_on^ORDERBYsys_id`
    ///    on the Attachment API.
    ///
    /// They share `limit`: the one whose turn it is reads first, the other
    /// reads with what is left (nothing left: it waits, and `more` is true),
    /// and the turn passes at each call that hands anything over. So neither
    /// sweep starves, even at `limit` 1 with the other always full.
    ///
    /// Bounds are UTC at second resolution, so exact: the position's second,
    /// or for a new sweep the position minus the overlap. Pages are 500 rows
    /// (`sysparm_offset`/`sysparm_limit`); `SearchPager` skips what it handed
    /// over before. ServiceNow applies the limit before ACLs, so a page may
    /// come back short, even empty, in the middle of the result: the offset
    /// moves by the page size asked, and paging ends once the offset passes
    /// `X-Total-Count` (which counts before ACLs), or at an empty page when
    /// the count is not sent. A query using `^NQ` is OR'ed as a whole by
    /// ServiceNow, so the time bound would apply to its last part only: such
    /// queries are refused.
    ///
    /// An attachment is handed over as its record (see `attachedRecords`), so
    /// refs may name a record twice across calls; the node drops repeats by
    /// id and `updated`. ServiceNow stamps whole seconds, so a ref's
    /// `updated` carries the version in its milliseconds: `sys_mod_count`
    /// (0–499) for a record's change, 500–999 for an attachment (`Attached`),
    /// and two changes in one second are two versions to the node.
    func search(_ request: OperationRequest) throws(ConnectorError) -> JSON {
        let query = request.input["query"]?.stringValue ?? ""
        guard !query.contains("^NQ") else {
            throw .invalid("search: queries with ^NQ cannot be bounded by time; write one query per connection")
        }
        let overlapMs = Int64(max(0, request.input["overlapSeconds"]?.intValue ?? 60)) * 1000
        let limit = max(1, request.input["limit"]?.intValue ?? 1000)
        let cursor = try ServiceNowSearchCursor(request)
        var next = cursor
        var records: [SearchRef] = [], attached: [Attached] = []
        var modCounts: [String: Int] = [:]   // record sys_id → sys_mod_count
        var more = false

        func sweepRecords(_ limit: Int) throws(ConnectorError) {
            let result = try sweep("/table/\(config.table)", filter: query, time: "sys_updated_on",
                                   parameters: [("sysparm_fields", "sys_id,number,sys_updated_on,sys_mod_count")]) { (row: JSON) throws(ConnectorError) -> SearchRef in
                let id = row["sys_id"]?.stringValue ?? ""
                modCounts[id] = row["sys_mod_count"]?.stringValue.flatMap { Int($0) } ?? 0
                return SearchRef(id: id, key: row["number"]?.stringValue, updated: try Self.time(row, "sys_updated_on"))
            }.run(cursor: cursor.records, overlapMs: overlapMs, limit: limit)
            records = result.refs
            next.records = result.cursor
            more = more || result.more
        }
        func sweepAttachments(_ limit: Int) throws(ConnectorError) {
            var parents: [String: String] = [:]   // attachment sys_id → its record's sys_id
            let result = try sweep("/attachment", filter: "table_name=\(config.table)", time: "sys_created_on",
                                   parameters: []) { (row: JSON) throws(ConnectorError) -> SearchRef in
                let id = row["sys_id"]?.stringValue ?? ""
                parents[id] = row["table_sys_id"]?.stringValue ?? ""
                return SearchRef(id: id, key: nil, updated: try Self.time(row, "sys_created_on"))
            }.run(cursor: cursor.attachments, overlapMs: overlapMs, limit: limit)
            attached = result.refs.map { Attached(record: parents[$0.id] ?? "", id: $0.id, created: $0.updated) }
            next.attachments = result.cursor
            more = more || result.more
        }

        if cursor.attachmentsFirst {
            try sweepAttachments(limit)
            if attached.count < limit { try sweepRecords(limit - attached.count) } else { more = true }
        } else {
            try sweepRecords(limit)
            if records.count < limit { try sweepAttachments(limit - records.count) } else { more = true }
        }
        if !records.isEmpty || !attached.isEmpty { next.attachmentsFirst.toggle() }
        let versioned = records.map { SearchRef(id: $0.id, key: $0.key, updated: $0.updated + Int64((modCounts[$0.id] ?? 0) % 500)) }
        let refs = try attachedRecords(versioned, attached: attached, query: query)
        return ["refs": .array(refs.map(\.json)), "cursor": next.text.map(JSON.string) ?? .null, "more": .bool(more)]
    }

    /// One attachment the attachments sweep read.
    private struct Attached {
        var record: String
        var id: String
        var created: Int64

        /// The version a ref carries for it: `sys_created_on` (whole seconds)
        /// plus 500–999 ms from its sys_id. ServiceNow stamps whole seconds and
        /// the node tells versions apart by id and `updated`, so record refs
        /// carry `sys_mod_count` in 0–499 ms and attachment refs this: an
        /// attachment added in the same second as the record's last change
        /// (say the node's own write) is still a new version.
        var version: Int64 { created + 500 + Int64(id.utf8.suffix(3).reduce(0) { $0 &* 31 &+ Int($1) } % 500) }
    }

    /// The records' refs (each `updated` the record's version) with the
    /// records of `attached` merged in: one ref per record, whose `updated` is
    /// its newest attachment's version when that attachment is not older
    /// than the record's `sys_updated_on` (so a poll that reads both in its
    /// overlap hands the same version twice, and the node takes it once).
    ///
    /// A record the records sweep did not hand over is read (`<query>^sys_idIN…`,
    /// 100 a request), so that only records matching the query are announced,
    /// and only when the attachment is not older than the record's last
    /// change: an attachment older than that was already there when the
    /// records sweep's ref for that change was read.
    private func attachedRecords(_ records: [SearchRef], attached: [Attached], query: String) throws(ConnectorError) -> [SearchRef] {
        var newest: [String: Attached] = [:]
        for item in attached where !item.record.isEmpty {
            if let known = newest[item.record], (known.created, known.id) > (item.created, item.id) { continue }
            newest[item.record] = item
        }
        let second = { (millis: Int64) in millis - ((millis % 1000) + 1000) % 1000 }
        var refs = records.map { ref in
            guard let item = newest[ref.id], item.created >= second(ref.updated) else { return ref }
            return SearchRef(id: ref.id, key: ref.key, updated: item.version)
        }
        let handed = Set(records.map(\.id))
        let others = newest.keys.filter { !handed.contains($0) && ServiceNowMapping.isSysID($0) }.sorted()
        var start = 0
        while start < others.count {
            let ids = others[start..<min(start + 100, others.count)]
            start += ids.count
            let terms = (query.isEmpty ? [] : [query]) + ["sys_idIN" + ids.joined(separator: ",")]
            let (rows, _) = try nowList("search", "/table/\(config.table)", query: [
                ("sysparm_query", terms.joined(separator: "^")), ("sysparm_fields", "sys_id,number,sys_updated_on"),
                ("sysparm_limit", String(ids.count)),
            ])
            for row in rows {
                let id = row["sys_id"]?.stringValue ?? ""
                guard let item = newest[id], item.created >= (try Self.time(row, "sys_updated_on")) else { continue }
                refs.append(SearchRef(id: id, key: row["number"]?.stringValue, updated: item.version))
            }
        }
        return refs
    }

    /// A `SearchPager` over a Table API or Attachment API list at `path`:
    /// `<filter>^<time>>=<bound>^ORDERBY<time>^ORDERBYsys_id`, 500 rows a page.
    private func sweep(_ path: String, filter: String, time: String, parameters: [(String, String)],
                       ref: @escaping (JSON) throws(ConnectorError) -> SearchRef) -> SearchPager {
        // The ServiceNow offset after each page, by the pager's count of rows
        // read: they differ when ACLs hid rows of a page.
        var offsets: [Int: Int] = [:]
        return SearchPager(pageSize: 500, floor: { (millis: Int64) throws(ConnectorError) -> Int64 in
            millis - ((millis % 1000) + 1000) % 1000
        }, fetch: { (page: SearchPager.PageRequest) throws(ConnectorError) -> SearchPager.Page in
            var terms: [String] = filter.isEmpty ? [] : [filter]
            if let bound = page.bound { terms.append("\(time)>=" + Timestamp.spaced(bound)) }
            terms.append("ORDERBY\(time)^ORDERBYsys_id")
            let offset = offsets[page.startAt] ?? page.startAt
            let (rows, total) = try self.nowList("search", path, query: [("sysparm_query", terms.joined(separator: "^"))] + parameters + [
                ("sysparm_limit", String(page.count)), ("sysparm_offset", String(offset)),
            ])
            offsets[page.startAt + rows.count] = offset + page.count
            var refs: [SearchRef] = []
            for row in rows { refs.append(try ref(row)) }
            let isLast = total.map { offset + page.count >= $0 } ?? rows.isEmpty
            return SearchPager.Page(refs: refs, isLast: isLast)
        })
    }

    /// A row's datetime field in milliseconds; transient when unreadable.
    private static func time(_ row: JSON, _ field: String) throws(ConnectorError) -> Int64 {
        let text = row[field]?.stringValue ?? ""
        guard let millis = Timestamp.parse(text) else {
            throw .transient("search: ServiceNow sent a row with an unreadable \(field): '\(text)'")
        }
        return millis
    }
}
