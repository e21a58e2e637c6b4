import TandemHTTP
import TandemJSON
import TandemDigest
import TandemTime

/// The Table API: `/api/now/table/{table}[/{sys_id}]` (also under `/api/now/v1|v2`).
extension ServiceNowSimulator {
    typealias APIHandler = @Sendable (_ request: HTTPRequest, _ user: String, _ state: ServiceNowState) throws -> HTTPResponse

    static let apiPrefixes = ["/api/now", "/api/now/v1", "/api/now/v2"]

    func api(_ method: String, _ suffix: String, _ handler: @escaping APIHandler) {
        for prefix in Self.apiPrefixes {
            server.router.add(method, prefix + suffix) { [weak self] request in
                guard let self else { return .error(503, "simulator stopped") }
                let user = SimServer.user(of: request)
                return self.withState { state in
                    try Self.checkAccept(request)
                    return try handler(request, user, state)
                }
            }
        }
    }

    func registerRoutes() {
        registerTableRoutes()
        registerAttachmentRoutes()
        registerOAuthRoute()
        server.addControlRoute("GET", "/_sim/webhooks") { [weak self] _ in
            guard let self else { return .error(503, "simulator stopped") }
            let counts = self.webhookDeliveries
            return .json(200, ["delivered": .int(Int64(counts.delivered)), "failed": .int(Int64(counts.failed)), "pending": .int(Int64(counts.pending))])
        }
        server.addControlRoute("POST", "/_sim/webhooks") { [weak self] request in
            guard let self else { return .error(503, "simulator stopped") }
            guard let url = try request.jsonBody()["url"]?.stringValue, url.hasPrefix("http") else { return .error(400, "expected {\"url\":\"http://…\"}") }
            self.addWebhook(url: url)
            return HTTPResponse(status: 204)
        }
    }

    /// 406 when `Accept` names neither JSON nor a wildcard.
    static func checkAccept(_ request: HTTPRequest) throws {
        guard let accept = request.headers["Accept"]?.lowercased(), !accept.isEmpty else { return }
        if accept.contains("json") || accept.contains("*/*") || accept.contains("application/*") { return }
        throw ServiceNowFailure(406, "Requested response format is not supported", "Accept: \(accept)")
    }

    /// 415 unless a write says its body is JSON.
    static func checkJSONContent(_ request: HTTPRequest) throws {
        guard let type = request.headers["Content-Type"]?.lowercased(), type.contains("json") else {
            throw ServiceNowFailure(415, "Unsupported Media Type", "Write requests need Content-Type: application/json")
        }
    }

    static func flag(_ request: HTTPRequest, _ name: String) -> Bool { request.query(name)?.lowercased() == "true" }

    static func renderer(_ request: HTTPRequest, _ state: ServiceNowState) -> ServiceNowRenderer {
        var renderer = ServiceNowRenderer(state: state)
        renderer.fields = (request.query("sysparm_fields") ?? "").split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        switch request.query("sysparm_display_value")?.lowercased() {
        case "true": renderer.display = .display
        case "all": renderer.display = .all
        default: renderer.display = .value
        }
        renderer.excludeReferenceLink = flag(request, "sysparm_exclude_reference_link")
        return renderer
    }

    /// Rows of `table` matching the request's filter, ordered. A non-empty
    /// `sysparm_query` wins; otherwise bare `field=value` parameters naming fields
    /// of the table filter (pysnow leaks other names, which are skipped).
    static func select(_ request: HTTPRequest, table: ServiceNowTable, state: ServiceNowState) throws -> [ServiceNowRecord] {
        var text = request.query("sysparm_query") ?? ""
        if text.isEmpty {
            text = request.queryItems.filter { !$0.name.hasPrefix("sysparm_") && table.fields.contains($0.name) }
                .map { "\($0.name)=\($0.value)" }.joined(separator: "^")
        }
        let query: EncodedQuery
        do { query = try EncodedQueryParser.parse(text) } catch { throw ServiceNowFailure(400, error.message, "sysparm_query: \(text)") }
        let evaluator = EncodedQueryEvaluator(knownFields: Set(table.fields))
        if query.queries.count == 1,
           let sysID = query.queries[0].first(where: { $0.count == 1 && $0[0].field == "sys_id" && $0[0].op == .equals })?[0].value {
            // `sys_id=X` AND'ed at the top level: one candidate, by key.
            return state.tables[table.name]?[sysID].flatMap { evaluator.matches($0.fields, query) ? [$0] : nil } ?? []
        }
        if let ordered = updateOrdered(query, table: table, state: state, evaluator: evaluator) { return ordered }
        // `<indexed field>=X` AND'ed at the top level: its records, by the index.
        let indexed = query.queries.count == 1 ? query.queries[0].first { clause in
            clause.count == 1 && clause[0].op == .equals && ServiceNowState.indexedFields.contains(clause[0].field)
                && table.fields.contains(clause[0].field)
        }?[0] : nil
        // `sys_idIN<ids>` AND'ed at the top level: those records, by key.
        let listed = query.queries.count == 1 ? query.queries[0].first { clause in
            clause.count == 1 && clause[0].op == .in && clause[0].field == "sys_id"
        }?[0] : nil
        let candidates = listed.map { term in
            Set(term.value.split(separator: ",").map(String.init)).compactMap { state.tables[table.name]?[$0] }.sorted { $0.sequence < $1.sequence }
        } ?? indexed.map { state.rows(table.name, where: $0.field, equals: $0.value) } ?? state.rows(table.name)
        let rows = candidates.filter { evaluator.matches($0.fields, query) }
        let order = evaluator.sort(rows.map(\.fields), query.orderBy)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.sysID, $0) })
        return order.compactMap { byID[$0["sys_id"] ?? ""] }
    }

    /// A query ordered by `sys_updated_on` (then `sys_id`) ascending, served
    /// from the table's update-order index from the query's own
    /// `sys_updated_on>=`/`>` bound: a poll near the present reads only what
    /// changed since, however large the table. Nil for any other query.
    private static func updateOrdered(_ query: EncodedQuery, table: ServiceNowTable, state: ServiceNowState,
                                      evaluator: EncodedQueryEvaluator) -> [ServiceNowRecord]? {
        let orders = query.orderBy.filter { table.fields.contains($0.field) }
        guard let first = orders.first, first.field == "sys_updated_on", !first.descending, orders.count <= 2,
              orders.dropFirst().allSatisfy({ $0.field == "sys_id" && !$0.descending }) else { return nil }
        var bound: Int64?
        if query.queries.count == 1 {
            for clause in query.queries[0] where clause.count == 1 {
                let term = clause[0]
                guard term.field == "sys_updated_on", term.op == .greaterOrEqual || term.op == .greater,
                      let value = Timestamp.parseLiteral(term.value) else { continue }
                bound = max(bound ?? value, value)
            }
        }
        guard let index = state.byUpdated[table.name], let records = state.tables[table.name] else { return [] }
        return index.entries(from: bound).compactMap { entry in
            records[entry.id].flatMap { evaluator.matches($0.fields, query) ? $0 : nil }
        }
    }

    /// 200 list with `X-Total-Count` and, when there is more than one page, `Link`.
    static func listResponse(_ request: HTTPRequest, rows: [ServiceNowRecord], defaultLimit: Int, state: ServiceNowState,
                             visible: (ServiceNowRecord) -> Bool = { _ in true },
                             render: (ServiceNowRecord) -> JSON) throws -> HTTPResponse {
        func number(_ name: String, _ fallback: Int) throws -> Int {
            guard let text = request.query(name), !text.isEmpty else { return fallback }
            guard let value = Int(text), value >= 0 else { throw ServiceNowFailure(400, "Invalid \(name): '\(text)'", "\(name) must be a whole number >= 0") }
            return value
        }
        let limit = max(1, try number("sysparm_limit", defaultLimit))
        let offset = try number("sysparm_offset", 0)
        var headers = HTTPHeaders()
        if !flag(request, "sysparm_no_count") { headers["X-Total-Count"] = String(rows.count) }
        if rows.count > limit && !flag(request, "sysparm_suppress_pagination_header") {
            let kept = request.queryItems.filter { $0.name != "sysparm_offset" && $0.name != "sysparm_limit" }
            func link(_ at: Int, _ rel: String) -> String {
                let query = (kept + [("sysparm_limit", String(limit)), ("sysparm_offset", String(at))])
                    .map { "\(percentEncodeQuery($0.0))=\(percentEncodeQuery($0.1))" }.joined(separator: "&")
                return "<\(state.baseURL)\(request.path)?\(query)>;rel=\"\(rel)\""
            }
            var links = [link(0, "first")]
            if offset > 0 { links.append(link(max(0, offset - limit), "prev")) }
            if offset + limit < rows.count { links.append(link(offset + limit, "next")) }
            links.append(link(((rows.count - 1) / limit) * limit, "last"))
            headers["Link"] = links.joined(separator: ",")
        }
        // The limit is applied before the ACL, as ServiceNow does.
        let page = rows.dropFirst(offset).prefix(limit).filter(visible)
        return .json(200, ["result": .array(page.map(render))], headers: headers)
    }

    private func registerTableRoutes() {
        let marker = configuration.aclHiddenMarker.flatMap { $0.isEmpty ? nil : $0 }
        let journalReadable = configuration.journalReadable
        let visible: @Sendable (ServiceNowRecord) -> Bool = { record in
            guard let marker, let text = record.fields["short_description"] else { return true }
            return !text.contains(marker)
        }
        let checkJournal: @Sendable (String) throws -> Void = { table in
            guard table == "sys_journal_field", !journalReadable else { return }
            throw ServiceNowFailure(403, "Insufficient rights to query records", "Fields present in the query do not have permission to be read")
        }
        api("GET", "/table/{table}") { request, _, state in
            let table = try state.table(request.pathParameters["table"] ?? "")
            try checkJournal(table.name)
            let renderer = Self.renderer(request, state)
            return try Self.listResponse(request, rows: try Self.select(request, table: table, state: state), defaultLimit: 10000, state: state,
                                         visible: visible, render: renderer.render)
        }
        api("GET", "/table/{table}/{sys_id}") { request, _, state in
            try checkJournal(request.pathParameters["table"] ?? "")
            let record = try state.record(request.pathParameters["table"] ?? "", request.pathParameters["sys_id"] ?? "")
            guard visible(record) else { throw ServiceNowFailure(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval") }
            return .json(200, ["result": Self.renderer(request, state).render(record)])
        }
        api("POST", "/table/{table}") { request, user, state in
            try Self.checkJSONContent(request)
            let table = try state.table(request.pathParameters["table"] ?? "")
            let record = try state.insert(table.name, try state.values(from: try request.jsonBody(), for: table), user: user)
            return .json(201, ["result": Self.renderer(request, state).render(record)],
                         headers: ["Location": "\(state.baseURL)/api/now/table/\(table.name)/\(record.sysID)"])
        }
        let update: APIHandler = { request, user, state in
            try Self.checkJSONContent(request)
            let table = try state.table(request.pathParameters["table"] ?? "")
            let sysID = request.pathParameters["sys_id"] ?? ""
            _ = try state.record(table.name, sysID)
            let record = try state.update(table.name, sysID, try state.values(from: try request.jsonBody(), for: table), user: user)
            return .json(200, ["result": Self.renderer(request, state).render(record)])
        }
        api("PUT", "/table/{table}/{sys_id}", update)
        api("PATCH", "/table/{table}/{sys_id}", update)
        api("DELETE", "/table/{table}/{sys_id}") { request, user, state in
            try state.delete(request.pathParameters["table"] ?? "", request.pathParameters["sys_id"] ?? "", user: user)
            return HTTPResponse(status: 204)
        }
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
func percentEncodeQuery(_ text: String) -> String {
    var result = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.append(Character(Unicode.Scalar(byte)))
        default:
            result += "%" + Digest.hex([byte]).uppercased()
        }
    }
    return result
}
