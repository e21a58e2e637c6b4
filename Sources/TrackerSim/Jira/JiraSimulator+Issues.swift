import TandemHTTP
import TandemJSON

/// Issues, transitions, assignee and comments.
extension JiraSimulator {
    /// Every value of a repeatable, comma-separable parameter such as `fields` or `expand`.
    static func listParameter(_ request: HTTPRequest, _ name: String) -> [String] {
        request.queryItems.filter { $0.name == name }.map(\.value)
    }

    static func expandSet(_ values: [String]) -> Set<String> {
        Set(values.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces().lowercased() })
    }

    static func render(_ issue: JiraIssue, state: JiraState, selection: JiraFieldSelection, expand: Set<String>,
                       properties: [String] = []) -> JSON {
        let rendered = state.renderer.issue(issue, comments: state.comments(of: issue.id), attachments: state.attachments(of: issue.id),
                                            selection: selection, expand: expand)
        let keys = properties.flatMap { $0.split(separator: ",") }.map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
        guard !keys.isEmpty, case .object(var object) = rendered else { return rendered }
        var found: [String: JSON] = [:]
        for key in keys { if let value = issue.property(key) { found[key] = value } }
        object["properties"] = .object(found)
        return .object(object)
    }

    func registerIssueRoutes() {
        api("POST", "/issue") { request, user, state in
            let issue = try state.createIssue(try request.jsonBody(), user: user)
            return .json(201, ["id": .string(String(issue.id)), "key": .string(issue.key), "self": .string("\(state.renderer.api)/issue/\(issue.id)")])
        }
        api("GET", "/issue/{key}") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            let selection = JiraFieldSelection(values: Self.listParameter(request, "fields"), fallback: .all)
            return .json(200, Self.render(issue, state: state, selection: selection, expand: Self.expandSet(Self.listParameter(request, "expand"))))
        }
        api("PUT", "/issue/{key}") { request, user, state in
            try state.editIssue(request.pathParameters["key"] ?? "", try request.jsonBody(), user: user)
            return HTTPResponse(status: 204)
        }
        api("DELETE", "/issue/{key}") { request, user, state in
            try state.deleteIssue(request.pathParameters["key"] ?? "", user: user)
            return HTTPResponse(status: 204)
        }
        api("GET", "/issue/{key}/transitions") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            var available = state.catalog.transitions(from: issue.statusID)
            if let only = request.query("transitionId") { available = available.filter { $0.id == only } }
            return .json(200, ["expand": "transitions", "transitions": .array(available.map { transition in
                [
                    "id": .string(transition.id), "name": .string(transition.name), "to": state.renderer.status(transition.to),
                    "hasScreen": false, "isGlobal": false, "isInitial": false, "isAvailable": true, "isConditional": false,
                    "fields": .object([:]),
                ]
            })])
        }
        api("POST", "/issue/{key}/transitions") { request, user, state in
            try state.transition(request.pathParameters["key"] ?? "", try request.jsonBody(), user: user)
            return HTTPResponse(status: 204)
        }
        api("PUT", "/issue/{key}/assignee") { request, user, state in
            try state.assign(request.pathParameters["key"] ?? "", try request.jsonBody(), user: user)
            return HTTPResponse(status: 204)
        }
        api("GET", "/issue/{key}/properties") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            let keys = (issue.properties ?? [:]).keys.sorted()
            return .json(200, ["keys": .array(keys.map { key in
                ["self": .string("\(state.renderer.api)/issue/\(issue.id)/properties/\(key)"), "key": .string(key)]
            })])
        }
        api("GET", "/issue/{key}/properties/{property}") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            let key = request.pathParameters["property"] ?? ""
            guard let value = issue.property(key) else { throw JiraFailure(404, "The property with key '\(key)' does not exist.") }
            return .json(200, ["key": .string(key), "value": value])
        }
        api("PUT", "/issue/{key}/properties/{property}") { request, _, state in
            let existed = try state.setProperty(request.pathParameters["key"] ?? "", key: request.pathParameters["property"] ?? "",
                                                value: try request.jsonBody())
            return HTTPResponse(status: existed ? 200 : 201)
        }
        api("GET", "/issue/{key}/watchers") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            return .json(200, ["self": .string("\(state.renderer.api)/issue/\(issue.key)/watchers"), "isWatching": false, "watchCount": 0, "watchers": []])
        }
    }

    func registerCommentRoutes() {
        api("GET", "/issue/{key}/comment") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            var all = state.comments(of: issue.id)
            if request.query("orderBy")?.hasPrefix("-") == true { all.reverse() }
            let page = try JiraPage(request, defaultSize: 50, maximum: 100)
            let slice = all.dropFirst(page.startAt).prefix(page.maxResults)
            return .json(200, [
                "startAt": .int(Int64(page.startAt)), "maxResults": .int(Int64(page.maxResults)), "total": .int(Int64(all.count)),
                "comments": .array(slice.map(state.renderer.comment)),
            ])
        }
        api("POST", "/issue/{key}/comment") { request, user, state in
            .json(201, state.renderer.comment(try state.addComment(request.pathParameters["key"] ?? "", try request.jsonBody(), user: user)))
        }
        api("GET", "/issue/{key}/comment/{id}") { request, _, state in
            let issue = try state.issue(request.pathParameters["key"] ?? "")
            return .json(200, state.renderer.comment(try state.comment(issue, request.pathParameters["id"] ?? "")))
        }
        api("PUT", "/issue/{key}/comment/{id}") { request, user, state in
            .json(200, state.renderer.comment(try state.updateComment(request.pathParameters["key"] ?? "", request.pathParameters["id"] ?? "", try request.jsonBody(), user: user)))
        }
        api("DELETE", "/issue/{key}/comment/{id}") { request, user, state in
            try state.deleteComment(request.pathParameters["key"] ?? "", request.pathParameters["id"] ?? "", user: user)
            return HTTPResponse(status: 204)
        }
    }
}

