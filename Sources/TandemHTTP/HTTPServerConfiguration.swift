/// Limits and address of an `HTTPServer`. Every limit protects the process
/// from one kind of client misbehaviour; each has its status (see HTTPServer).
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; `HTTPServer.start()` returns the one bound.
    public var port: Int = 0
    /// Certificate and key: the server speaks HTTPS only. nil: plain HTTP.
    public var tls: HTTPServerTLS?
    /// Request line plus header block, in bytes (414 / 431 beyond).
    public var maxHeaderBytes = 16 * 1024
    /// Decoded request body, in bytes (413 beyond).
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Request bodies held in memory at once, across all connections; a
    /// request whose body would exceed it gets 503 with Retry-After, unread.
    /// Never less than `maxBodyBytes` (raised to it), so every allowed body
    /// fits when it is alone.
    public var maxBufferedBodyBytes = 96 * 1024 * 1024
    /// From the first byte of a request (or from accepting the connection)
    /// to the end of its head (408 after); includes the TLS handshake.
    public var headerTimeoutSeconds: Double = 10
    /// From the end of the head to the end of the body (408 after); also the
    /// limit for writing a response to a client that does not read.
    public var bodyTimeoutSeconds: Double = 30
    /// How long a kept-alive connection may wait for its next request.
    public var idleTimeoutSeconds: Double = 60
    /// Open connections at once, each with its thread; the next one gets 503
    /// and is closed. Needs that many file descriptors (see `FileLimit`).
    public var maxConnections = 2048
    /// Connections waiting for a request (new, sending a head, or idle
    /// between requests). When a new connection would exceed it, the one
    /// waiting longest is closed: a flood of idle or slow clients only ever
    /// displaces itself, and a client that sends its request promptly gets in.
    public var maxWaitingConnections = 1024
    /// Requests in progress (from a complete head to the end of the response)
    /// per class of caller; a request over its class's limit gets 503 with
    /// Retry-After, and other classes are unaffected.
    public var requestClasses: [HTTPRequestClass] = HTTPRequestClass.defaults
    /// Called with each request's head (the body empty and not yet read). A
    /// response returned is sent instead of reading the body and calling the
    /// handler, and the connection closes. Used to refuse unauthenticated
    /// requests before their body costs memory.
    public var admission: (@Sendable (HTTPRequest) -> HTTPResponse?)?

    public init() {}
}

/// A class of caller, told apart by path prefix, with its own budget of
/// requests in progress so that a flood of one class cannot starve another.
public struct HTTPRequestClass: Sendable, Equatable {
    public var name: String
    /// A request belongs to the first class with a matching prefix; a class
    /// without prefixes takes everything else.
    public var pathPrefixes: [String]
    public var maxInProgress: Int

    public init(name: String, pathPrefixes: [String], maxInProgress: Int) {
        self.name = name
        self.pathPrefixes = pathPrefixes
        self.maxInProgress = maxInProgress
    }

    /// Peers, webhooks, admin and health apart from everything else.
    public static let defaults: [HTTPRequestClass] = [
        HTTPRequestClass(name: "health", pathPrefixes: ["/healthz", "/readyz"], maxInProgress: 32),
        HTTPRequestClass(name: "peer", pathPrefixes: ["/peer/"], maxInProgress: 64),
        HTTPRequestClass(name: "hooks", pathPrefixes: ["/hooks/"], maxInProgress: 64),
        HTTPRequestClass(name: "admin", pathPrefixes: ["/admin/"], maxInProgress: 16),
        HTTPRequestClass(name: "other", pathPrefixes: [], maxInProgress: 256),
    ]
}
