import PluginKit

extension JiraConnector {
    /// Redirects followed for one download, all within the instance.
    static let maxRedirects = 3

    /// `attachment.get` {"id", "attachmentId"} → {"filename","mimeType","size"} + the bytes.
    ///
    /// Two requests: the metadata, then the content. Cloud's content URL
    /// (`/attachment/content/{id}`) redirects to a media host unless asked
    /// `redirect=false`, which it is. A redirect is followed only while it stays
    /// under the configured base URL (the node lets the connector reach nothing
    /// else), at most three times; a redirect elsewhere, one without
    /// `Location`, or a 3xx at the end is an error, never an empty download.
    func getAttachment(_ request: OperationRequest) throws(ConnectorError) -> OperationResult {
        _ = try request.entityReference(for: "attachment.get")
        let attachmentID = try request.string("attachmentId", for: "attachment.get")
        let segment = URLEncoding.component(attachmentID)
        let meta = try jira("attachment.get", "GET", "/attachment/\(segment)")
        let filename = meta["filename"]?.stringValue ?? "attachment"
        var content: String
        if try deployment(for: "attachment.get") == .cloud {
            content = URLEncoding.url("\(Self.api)/attachment/content/\(segment)", [("redirect", "false")])
        } else {
            content = meta["content"]?.stringValue ?? ""
            if !content.hasPrefix(config.common.baseUrl + "/") {
                // Jira may hand out its own idea of its base URL; the node only lets us reach the configured one.
                content = "/secure/attachment/\(segment)/\(URLEncoding.component(filename))"
            }
        }
        let headers = config.headers.merging(["Accept": "*/*"]) { $1 }
        var response = try host.send("attachment.get", "GET", content, headers: headers, trackerMessage: Self.trackerMessage)
        var hops = 0
        while (300..<400).contains(response.status) {
            hops += 1
            guard hops <= Self.maxRedirects else {
                throw .transient("attachment.get: Jira redirected the download of attachment \(attachmentID) more than \(Self.maxRedirects) times")
            }
            guard let location = response.headers["location"], !location.isEmpty else {
                throw .transient("attachment.get: Jira answered HTTP \(response.status) without a Location for attachment \(attachmentID)")
            }
            let target = try sameInstance(location, for: "attachment.get")
            response = try host.send("attachment.get", "GET", target, headers: headers, trackerMessage: Self.trackerMessage)
        }
        return OperationResult([
            "filename": .string(filename),
            "mimeType": meta["mimeType"] ?? "application/octet-stream",
            "size": .int(Int64(response.body.count)),
        ], blob: response.body)
    }

    /// `location` as a URL the node may reach: a path (absolute or relative to
    /// the base URL's host) or an absolute URL under the base URL.
    ///
    /// - Throws: `.invalid` naming the foreign location.
    func sameInstance(_ location: String, for operation: String) throws(ConnectorError) -> String {
        let base = config.common.baseUrl
        if location.hasPrefix(base + "/") { return location }
        if location.hasPrefix("/") && !location.hasPrefix("//") {
            // A host-relative path: the base URL's origin plus the path.
            let afterScheme = base.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            let origin = afterScheme.prefix(3).joined(separator: "/")
            let url = origin + location
            if url.hasPrefix(base + "/") { return url }
        }
        throw .invalid("\(operation): Jira redirected the download to '\(location)', outside the configured baseUrl \(base); "
                       + "the connector follows redirects only within the instance")
    }
}
