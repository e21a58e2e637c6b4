import TandemHTTP
import TandemJSON
import TandemTime

/// Route registration helpers and the small read-only resources.
extension JiraSimulator {
    typealias APIHandler = @Sendable (_ request: HTTPRequest, _ user: String, _ state: JiraState) throws -> HTTPResponse

    /// Registers `suffix` under `/rest/api/2` and its alias `/rest/api/latest`.
    func api(_ method: String, _ suffix: String, versions: [String] = ["2", "latest"], _ handler: @escaping APIHandler) {
        for version in versions {
            server.router.add(method, "/rest/api/\(version)\(suffix)") { [weak self] request in
                guard let self else { return .error(503, "simulator stopped") }
                let user = SimServer.user(of: request)
                return self.withState { state in try handler(request, user, state) }
            }
        }
    }

    func registerRoutes() {
        registerMetaRoutes()
        registerIssueRoutes()
        registerCommentRoutes()
        registerAttachmentRoutes()
        registerSearchRoutes()
        registerWebhookRoutes()
    }

    private func registerMetaRoutes() {
        api("GET", "/serverInfo") { _, _, state in
            let cloud = state.catalog.cloud
            return .json(200, [
                "baseUrl": .string(state.baseURL), "version": cloud ? "1001.0.0-SNAPSHOT" : "9.12.0",
                "versionNumbers": cloud ? [1001, 0, 0] : [9, 12, 0],
                "deploymentType": cloud ? "Cloud" : "Server", "buildNumber": cloud ? 100265 : 912000,
                "buildDate": "2023-11-21T00:00:00.000+0000",
                "serverTime": .string(Timestamp.jira(Timestamp.now())), "scmInfo": "tandem-sim",
                "serverTitle": "Tandem Jira simulator",
            ])
        }
        api("GET", "/myself") { _, user, state in .json(200, state.renderer.user(user)) }
        api("GET", "/field") { _, _, state in .json(200, JiraFieldCatalog.json(base: state.baseURL)) }
        let lists: [(String, @Sendable (JiraState) -> [JSON])] = [
            ("priority", { s in s.catalog.priorities.map { s.renderer.priority($0.id) } }),
            ("status", { s in s.catalog.statuses.map { s.renderer.status($0.id) } }),
            ("issuetype", { s in s.catalog.issueTypes.map { s.renderer.issueType($0.id) } }),
            ("resolution", { s in s.catalog.resolutions.map { s.renderer.resolution($0.id) } }),
        ]
        for (name, render) in lists {
            api("GET", "/\(name)") { _, _, state in .json(200, .array(render(state))) }
            api("GET", "/\(name)/{id}") { request, _, state in
                let id = request.pathParameters["id"] ?? ""
                guard let found = render(state).first(where: { $0["id"]?.stringValue == id || $0["name"]?.stringValue?.lowercased() == id.lowercased() }) else {
                    throw JiraFailure(404, "The \(name) with id '\(id)' does not exist")
                }
                return .json(200, found)
            }
        }
        api("GET", "/statuscategory/{id}") { request, _, state in
            let id = request.pathParameters["id"] ?? ""
            guard let status = state.catalog.statuses.first(where: { state.renderer.status($0.id)["statusCategory"]?["id"]?.intValue.map(String.init) == id }) else {
                throw JiraFailure(404, "No status category with id '\(id)'")
            }
            return .json(200, state.renderer.status(status.id)["statusCategory"] ?? .null)
        }
        api("GET", "/project") { _, _, state in .json(200, [state.renderer.project(expandIssueTypes: false)]) }
        api("GET", "/project/{key}") { request, _, state in
            let key = request.pathParameters["key"] ?? ""
            guard key.uppercased() == state.catalog.projectKey || key == state.catalog.projectID else {
                throw JiraFailure(404, "No project could be found with key '\(key)'.")
            }
            return .json(200, state.renderer.project())
        }
        api("GET", "/project/{key}/statuses") { request, _, state in
            let key = request.pathParameters["key"] ?? ""
            guard key.uppercased() == state.catalog.projectKey || key == state.catalog.projectID else {
                throw JiraFailure(404, "No project could be found with key '\(key)'.")
            }
            let statuses = JSON.array(state.catalog.statuses.map { state.renderer.status($0.id) })
            return .json(200, .array(state.catalog.issueTypes.map { type in
                ["self": .string("\(state.renderer.api)/issuetype/\(type.id)"), "id": .string(type.id), "name": .string(type.name), "subtask": false, "statuses": statuses]
            }))
        }
        let stats = server.stats
        /// Counts `username=` (both flavours) and refuses it on Cloud, as GDPR strict mode does.
        let checkUsername: @Sendable (HTTPRequest, JiraState) throws -> Void = { request, state in
            guard request.query("username") != nil || request.query("key") != nil else { return }
            stats.recordUsernameLookup()
            if state.catalog.cloud {
                throw JiraFailure(400, "The query parameter 'username' is not supported in GDPR strict mode.")
            }
        }
        api("GET", "/user") { request, _, state in
            try checkUsername(request, state)
            let wanted = request.query("username") ?? request.query("key") ?? request.query("accountId") ?? ""
            guard let user = state.catalog.user(wanted) else { throw JiraFailure(404, "The user named '\(wanted)' does not exist") }
            return .json(200, state.renderer.user(user.name))
        }
        let userSearch: APIHandler = { request, _, state in
            try checkUsername(request, state)
            let wanted = (request.query("username") ?? request.query("query") ?? "").lowercased()
            let limit = max(0, min(1000, Int(request.query("maxResults") ?? "") ?? 50))
            let includeInactive = request.query("includeInactive")?.lowercased() == "true"
            // A hidden e-mail still matches a query (Cloud searches it), it just is not shown.
            let found = state.catalog.users.filter { user in
                (user.active || includeInactive)
                    && (wanted.isEmpty || wanted == "." || user.name.lowercased().hasPrefix(wanted)
                        || user.displayName.lowercased().contains(wanted) || user.email.lowercased().hasPrefix(wanted))
            }
            return .json(200, .array(found.prefix(limit).map { state.renderer.user($0.name) }))
        }
        api("GET", "/user/search", userSearch)
        api("GET", "/user/assignable/search", userSearch)
    }

    private func registerWebhookRoutes() {
        let base = "/rest/webhooks/1.0/webhook"
        server.router.add("GET", base) { [weak self] _ in
            guard let self else { return .error(503, "simulator stopped") }
            let base = self.baseURL
            return .json(200, .array(self.webhooks.withLock { $0 }.filter { $0.id > 0 }.map { Self.render($0, base: base) }))
        }
        server.router.add("POST", base) { [weak self] request in
            guard let self else { return .error(503, "simulator stopped") }
            return self.withState { state in
                let body = try request.jsonBody()
                guard let url = body["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw JiraFailure(400, field: "url", "A webhook needs an absolute http(s) 'url'.")
                }
                let registration = JiraWebhookRegistration(
                    id: try state.next("jira.webhook.id", after: 0), name: body["name"]?.stringValue ?? "webhook", url: url,
                    events: body["events"]?.arrayValue?.compactMap(\.stringValue) ?? [], enabled: body["enabled"]?.boolValue ?? true)
                do { try state.store.put("jira.webhook", String(registration.id), registration) } catch { throw state.storageFailure(error) }
                self.webhooks.withLock { $0.append(registration) }
                return .json(201, Self.render(registration, base: state.baseURL))
            }
        }
        server.router.add("DELETE", base + "/{id}") { [weak self] request in
            guard let self else { return .error(503, "simulator stopped") }
            return self.withState { state in
                guard let id = Int(request.pathParameters["id"] ?? ""), id > 0,
                      self.webhooks.withLock({ $0.contains { $0.id == id } }) else { throw JiraFailure(404, "No webhook with that id.") }
                do { try state.store.delete("jira.webhook", String(id)) } catch { throw state.storageFailure(error) }
                self.webhooks.withLock { $0.removeAll { $0.id == id } }
                return HTTPResponse(status: 204)
            }
        }
        server.addControlRoute("GET", "/_sim/webhooks") { [weak self] _ in
            guard let self else { return .error(503, "simulator stopped") }
            let counts = self.webhookDeliveries
            return .json(200, ["delivered": .int(Int64(counts.delivered)), "failed": .int(Int64(counts.failed)), "pending": .int(Int64(counts.pending))])
        }
    }

    static func render(_ registration: JiraWebhookRegistration, base: String) -> JSON {
        [
            "self": .string("\(base)/rest/webhooks/1.0/webhook/\(registration.id)"), "name": .string(registration.name),
            "url": .string(registration.url), "events": .array(registration.events.map(JSON.string)), "enabled": .bool(registration.enabled),
        ]
    }
}
