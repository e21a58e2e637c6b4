import TandemHTTP
import TandemJSON
import TandemTime

/// `/search` (offset paging, Server/DC) and `/search/jql` (token paging, Cloud).
extension JiraSimulator {
    /// Search parameters from the query string (GET) or the JSON body (POST).
    struct SearchInput {
        var jql = ""
        var startAt: String?
        var maxResults: String?
        var nextPageToken: String?
        var fields: [String] = []
        var expand: [String] = []
        /// Entity property keys to include per issue (`properties=a,b`).
        var properties: [String] = []
        /// Cloud: issue ids to read as they are now despite eventual consistency.
        var reconcileIssues: [String] = []

        init(_ request: HTTPRequest) throws {
            if request.method == "POST" {
                let body = try request.jsonBody()
                jql = body["jql"]?.stringValue ?? ""
                startAt = body["startAt"]?.intValue.map(String.init)
                maxResults = body["maxResults"]?.intValue.map(String.init)
                nextPageToken = body["nextPageToken"]?.stringValue
                fields = body["fields"]?.arrayValue?.compactMap(\.stringValue) ?? body["fields"]?.stringValue.map { [$0] } ?? []
                expand = body["expand"]?.arrayValue?.compactMap(\.stringValue) ?? body["expand"]?.stringValue.map { [$0] } ?? []
                properties = body["properties"]?.arrayValue?.compactMap(\.stringValue) ?? []
                reconcileIssues = body["reconcileIssues"]?.arrayValue?.map { $0.stringValue ?? $0.intValue.map(String.init) ?? "?" } ?? []
            } else {
                jql = request.query("jql") ?? ""
                startAt = request.query("startAt")
                maxResults = request.query("maxResults")
                nextPageToken = request.query("nextPageToken")
                fields = JiraSimulator.listParameter(request, "fields")
                expand = JiraSimulator.listParameter(request, "expand")
                properties = JiraSimulator.listParameter(request, "properties")
                reconcileIssues = JiraSimulator.listParameter(request, "reconcileIssues")
            }
        }
    }

    func registerSearchRoutes() {
        let stats = server.stats
        let search: APIHandler = { request, user, state in
            stats.recordLegacySearch()
            if request.path.contains("/rest/api/3/") && !state.catalog.cloud {
                throw JiraFailure(404, "No resource at \(request.method) \(request.path)")
            }
            if state.catalog.cloud {
                throw JiraFailure(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
                                  + "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
            }
            let input = try SearchInput(request)
            let page = try JiraPage(startAt: input.startAt, maxResults: input.maxResults, defaultSize: 50, maximum: 100)
            let found = try state.search(input.jql, user: user)
            let selection = JiraFieldSelection(values: input.fields, fallback: .navigable)
            let expand = Self.expandSet(input.expand)
            return .json(200, [
                "expand": "schema,names", "startAt": .int(Int64(page.startAt)), "maxResults": .int(Int64(page.maxResults)),
                "total": .int(Int64(found.count)),
                "issues": .array(found.dropFirst(page.startAt).prefix(page.maxResults).map { Self.render($0, state: state, selection: selection, expand: expand, properties: input.properties) }),
            ])
        }
        api("GET", "/search", versions: ["2", "latest", "3"], search)
        api("POST", "/search", versions: ["2", "latest", "3"], search)

        let tokenSearch: APIHandler = { request, user, state in
            let input = try SearchInput(request)
            // The simulator is consistent at once; it only checks the ids, as Cloud does.
            let reconcile = input.reconcileIssues.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces() }
            guard reconcile.count <= 50, reconcile.allSatisfy({ Int($0) != nil }) else {
                throw JiraFailure(400, "reconcileIssues takes up to 50 numeric issue ids.")
            }
            var offset = 0
            if let token = input.nextPageToken, !token.isEmpty {
                guard token.hasPrefix("sim-"), let value = Int(token.dropFirst(4)), value >= 0 else {
                    throw JiraFailure(400, "The provided next page token is invalid or expired.")
                }
                offset = value
            }
            let size = try JiraPage(startAt: nil, maxResults: input.maxResults, defaultSize: 50, maximum: 100).maxResults
            var found = try state.search(input.jql, user: user, requireBound: true)
            if state.catalog.cloud && state.catalog.searchLagMilliseconds > 0 {
                let indexedUntil = Timestamp.now() - Int64(state.catalog.searchLagMilliseconds)
                let reconciled = Set(reconcile)
                let visible = found.ids.filter { id in found.issues[id].map { $0.updated <= indexedUntil } ?? false || reconciled.contains(String(id)) }
                found = JiraMatches(ids: visible, issues: found.issues)
            }
            let selection = JiraFieldSelection(values: input.fields, fallback: .idOnly)
            let expand = Self.expandSet(input.expand)
            let end = min(found.count, offset + max(size, 1))
            let pageIssues = offset < found.count ? Array(found[offset..<end]) : []
            var result: [String: JSON] = [
                "issues": .array(pageIssues.map { Self.render($0, state: state, selection: selection, expand: expand, properties: input.properties) }),
                "isLast": .bool(end >= found.count),
            ]
            // On the last page the token is absent, not null (clients test for the key).
            if end < found.count { result["nextPageToken"] = .string("sim-\(end)") }
            return .json(200, .object(result))
        }
        api("GET", "/search/jql", versions: ["2", "latest", "3"], tokenSearch)
        api("POST", "/search/jql", versions: ["2", "latest", "3"], tokenSearch)
        api("POST", "/search/approximate-count", versions: ["2", "latest", "3"]) { request, user, state in
            let body = try request.jsonBody()
            return .json(200, ["count": .int(Int64(try state.search(body["jql"]?.stringValue ?? "", user: user, requireBound: true).count))])
        }
    }
}
