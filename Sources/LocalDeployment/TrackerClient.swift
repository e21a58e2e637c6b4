import Foundation
import TandemHTTP
import TandemJSON

/// A user of a simulated tracker, speaking its REST API over HTTP: how the
/// end-to-end tests, the demo and the benchmarks make changes and read the outcome.
public struct TrackerClient: Sendable {
    public let baseURL: String
    public let user: String
    public let password: String
    /// A private CA for an https tracker, beside the system's trust store.
    public let caFile: String?
    private let client: HTTPClient

    public init(baseURL: String, user: String, password: String, caFile: String? = nil) {
        self.baseURL = baseURL
        self.user = user
        self.password = password
        self.caFile = caFile
        client = HTTPClient(caFile: caFile)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    @discardableResult
    public func request(_ method: String, _ path: String, _ body: JSON? = nil) throws -> JSON {
        var headers = HTTPHeaders()
        headers["Authorization"] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        headers["Accept"] = "application/json"
        if body != nil { headers["Content-Type"] = "application/json" }
        let response = try client.send(HTTPClientRequest(method: method, url: baseURL + path, headers: headers,
                                                         body: body?.serialized() ?? []))
        guard (200..<300).contains(response.status) else {
            throw Failure(description: "\(method) \(path) → HTTP \(response.status): \(response.text)")
        }
        return response.body.isEmpty ? .null : try JSON(parsing: response.body)
    }

    /// `{"requests": N, "writes": M}` from the simulator's test endpoint.
    public func writes() throws -> Int { try request("GET", "/_sim/stats")["writes"]?.intValue ?? -1 }
    public func requests() throws -> Int { try request("GET", "/_sim/stats")["requests"]?.intValue ?? -1 }

    // MARK: Jira

    public func createIssue(_ summary: String, priority: String = "Medium") throws -> String {
        let created = try request("POST", "/rest/api/2/issue", ["fields": [
            "project": ["key": "SUP"], "issuetype": ["name": "Task"], "summary": .string(summary),
            "description": "from the end-to-end test", "priority": ["name": .string(priority)],
        ]])
        return created["key"]?.stringValue ?? ""
    }

    public func issue(_ key: String) throws -> JSON { try request("GET", "/rest/api/2/issue/\(key)") }

    public func editIssue(_ key: String, _ fields: JSON) throws { try request("PUT", "/rest/api/2/issue/\(key)", ["fields": fields]) }

    public func commentIssue(_ key: String, _ body: String) throws { try request("POST", "/rest/api/2/issue/\(key)/comment", ["body": .string(body)]) }

    public func issueComments(_ key: String) throws -> [String] {
        try allPages("/rest/api/2/issue/\(key)/comment", member: "comments").compactMap { $0["body"]?.stringValue }
    }

    public func transitionIssue(_ key: String, to status: String) throws {
        let transitions = try request("GET", "/rest/api/2/issue/\(key)/transitions")["transitions"]?.arrayValue ?? []
        guard let id = transitions.first(where: { $0["to"]?["name"]?.stringValue == status })?["id"] else {
            throw Failure(description: "no transition of \(key) reaches \(status)")
        }
        try request("POST", "/rest/api/2/issue/\(key)/transitions", ["transition": ["id": id]])
    }

    /// Every issue `jql` finds, all pages, through `/search/jql` (token paging),
    /// which Jira Cloud and both simulator flavours serve; `fields` as Jira
    /// takes it (default `*all`).
    public func searchIssues(_ jql: String, fields: String? = nil) throws -> [JSON] {
        let encoded = jql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? jql
        let fieldList = (fields ?? "*all").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "*all"
        var issues: [JSON] = []
        var token: String?
        repeat {
            let tokenPart = token.map { "&nextPageToken=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? ""
            let page = try request("GET", "/rest/api/2/search/jql?jql=\(encoded)&maxResults=100&fields=\(fieldList)" + tokenPart)
            issues += page["issues"]?.arrayValue ?? []
            token = page["nextPageToken"]?.stringValue
        } while token != nil
        return issues
    }

    /// Every page of a Jira list (`startAt`, `maxResults`, `total`), joined:
    /// Jira caps a page (the simulator at 100).
    private func allPages(_ path: String, member: String) throws -> [JSON] {
        var items: [JSON] = []
        while true {
            let page = try request("GET", path + (path.contains("?") ? "&" : "?") + "startAt=\(items.count)&maxResults=100")
            let batch = page[member]?.arrayValue ?? []
            items += batch
            if batch.isEmpty || items.count >= (page["total"]?.intValue ?? items.count) { return items }
        }
    }

    /// A comment a Service Management agent marks internal (`jsdPublic: false`).
    public func commentIssueInternally(_ key: String, _ body: String) throws {
        try request("POST", "/rest/api/2/issue/\(key)/comment", ["body": .string(body),
                                                                    "properties": [["key": "sd.public.comment", "value": ["internal": true]]]])
    }

    /// The issue's comments as (body, internal).
    public func issueCommentVisibility(_ key: String) throws -> [(body: String, internal: Bool)] {
        (try request("GET", "/rest/api/2/issue/\(key)/comment")["comments"]?.arrayValue ?? []).map {
            ($0["body"]?.stringValue ?? "", $0["jsdPublic"]?.boolValue == false)
        }
    }

    /// The simulator's counters (`/_sim/stats`).
    public func simulatorStats() throws -> JSON { try request("GET", "/_sim/stats") }

    // MARK: ServiceNow

    public func incidents() throws -> [JSON] {
        try request("GET", "/api/now/table/incident?sysparm_display_value=true&sysparm_limit=10000")["result"]?.arrayValue ?? []
    }

    public func incident(shortDescription: String) throws -> JSON? {
        try incidents().first { $0["short_description"]?.stringValue == shortDescription }
    }

    public func createIncident(_ shortDescription: String) throws -> JSON {
        try request("POST", "/api/now/table/incident", ["short_description": .string(shortDescription),
                                                         "description": "from the end-to-end test"])["result"] ?? .null
    }

    public func updateIncident(_ sysID: String, _ fields: JSON) throws {
        try request("PATCH", "/api/now/table/incident/\(sysID)", fields)
    }

    /// The incident's work notes (internal journal entries).
    public func incidentWorkNotes(_ sysID: String) throws -> [String] {
        try request("GET", "/api/now/table/sys_journal_field?sysparm_query=element_id=\(sysID)^element=work_notes&sysparm_limit=1000")["result"]?
            .arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
    }

    public func incidentComments(_ sysID: String) throws -> [String] {
        try request("GET", "/api/now/table/sys_journal_field?sysparm_query=element_id=\(sysID)^element=comments&sysparm_limit=1000")["result"]?
            .arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
    }
}
