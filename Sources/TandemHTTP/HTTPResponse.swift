import TandemJSON

/// A response a handler returns. The server sets `Content-Length` (and
/// ignores any `Content-Length`/`Transfer-Encoding` given here).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `Content-Type: application/json;charset=UTF-8`.
    public static func json(_ status: Int, _ value: JSON, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers, body: value.serialized())
        if !response.headers.contains("Content-Type") {
            response.headers["Content-Type"] = "application/json;charset=UTF-8"
        }
        return response
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(text.utf8))
    }

    /// The layer's own error body: `{"status": 413, "error": "Content Too Large", "reason": "..."}`.
    public static func error(_ status: Int, _ reason: String) -> HTTPResponse {
        .json(status, ["status": .int(Int64(status)), "error": .string(HTTPStatus.reasonPhrase(status)),
                       "reason": .string(reason)])
    }
}
