/// Tracker requests with the uniform error mapping, for connectors.
extension ConnectorHost {
    /// Performs one request and maps a non-2xx answer with
    /// `ConnectorError.from(httpStatus:…)`, prefixing the message with `operation`.
    ///
    /// - Parameter trackerMessage: extracts the tracker's own error text from a
    ///   failed response (its error envelope), so the message carries it.
    /// - Throws: the mapped error; `.transient` when nothing came back.
    public func send(_ operation: String, _ method: String, _ url: String, headers: [String: String] = [:],
                     body: [UInt8] = [], trackerMessage: (Response) -> String) throws(ConnectorError) -> Response {
        let response: Response
        do {
            response = try http(method, url, headers: headers, body: body)
        } catch {
            throw ConnectorError(error.kind, "\(operation): \(method) \(url): \(error.message)")
        }
        if let failure = ConnectorError.from(httpStatus: response.status, retryAfter: response.headers["retry-after"],
                                             trackerMessage: trackerMessage(response),
                                             credentialsRefused: Self.loginRefused(response)) {
            throw ConnectorError(failure.kind, "\(operation): \(failure.message)")
        }
        return response
    }

    /// Whether a 403 refuses the login rather than the action: Jira says so in
    /// `X-Seraph-LoginReason` (e.g. `AUTHENTICATION_DENIED` after too many
    /// failures, when a CAPTCHA is required). Other 403s are permissions.
    static func loginRefused(_ response: Response) -> Bool {
        guard let reason = response.headers["x-seraph-loginreason"]?.uppercased() else { return false }
        return reason.contains("AUTHENTICATION_DENIED") || reason.contains("AUTHENTICATED_FAILED")
    }

    /// `send` and parse the answer as JSON.
    public func sendJSON(_ operation: String, _ method: String, _ url: String, headers: [String: String] = [:],
                         body: JSON? = nil, trackerMessage: (Response) -> String) throws(ConnectorError) -> JSON {
        var allHeaders = headers
        allHeaders["Accept"] = allHeaders["Accept"] ?? "application/json"
        if body != nil { allHeaders["Content-Type"] = "application/json" }
        let response = try send(operation, method, url, headers: allHeaders, body: body?.serialized() ?? [],
                                trackerMessage: trackerMessage)
        if response.body.isEmpty { return .null }
        do { return try JSON(parsing: response.body) } catch {
            throw .transient("\(operation): tracker answered HTTP \(response.status) with a body that is not JSON (\(error.message))")
        }
    }
}

/// The body of a failed response as text, shortened, for messages when a
/// tracker sends no error envelope.
public func responseSnippet(_ body: [UInt8], limit: Int = 300) -> String {
    let text = String(decoding: body.prefix(limit), as: UTF8.self)
    return body.count > limit ? text + "…" : text
}
