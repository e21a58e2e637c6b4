/// The parsed request line and header block of one request.
struct RequestHead {
    var method: String
    var target: String
    var minorVersion: Int
    var headers: HTTPHeaders
    /// The declared body length; nil when absent.
    var contentLength: Int?
    var chunked = false
    /// From `Connection:` tokens.
    var wantsClose = false
    var wantsKeepAlive = false
    var expectsContinue = false

    /// Whether the connection stays open after this request, before the
    /// response has its say (RFC 9112 §9.3).
    var keepAlive: Bool {
        minorVersion >= 1 ? !wantsClose : wantsKeepAlive && !wantsClose
    }
}

/// Why a head was rejected: the status to answer and a reason for the JSON body.
struct HeadRejection: Error {
    let status: Int
    let reason: String
}
