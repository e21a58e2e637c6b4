import TandemHTTP

/// Offset paging parameters: `startAt` (default 0) and `maxResults` (default, capped).
/// The response echoes the size really applied (pycontribs pages by it).
struct JiraPage {
    var startAt: Int
    var maxResults: Int

    init(startAt: Int, maxResults: Int) {
        self.startAt = startAt
        self.maxResults = maxResults
    }

    init(_ request: HTTPRequest, defaultSize: Int, maximum: Int) throws(JiraFailure) {
        try self.init(startAt: request.query("startAt"), maxResults: request.query("maxResults"), defaultSize: defaultSize, maximum: maximum)
    }

    init(startAt: String?, maxResults: String?, defaultSize: Int, maximum: Int) throws(JiraFailure) {
        let start = startAt.map { Int($0) } ?? 0
        guard let start, start >= 0 else { throw JiraFailure(400, "startAt must be a whole number >= 0, not '\(startAt ?? "")'.") }
        var size = defaultSize
        if let text = maxResults, !text.isEmpty {
            guard let number = Int(text) ?? (text.lowercased() == "false" ? defaultSize : nil), number >= 0 else {
                throw JiraFailure(400, "maxResults must be a whole number >= 0, not '\(text)'.")
            }
            size = min(number, maximum)
        }
        self.startAt = start
        self.maxResults = size
    }
}
