/// Limits and address of an `HTTPServer`. Every limit protects the process
/// from one kind of client misbehaviour; each has its status (see HTTPServer).
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; `HTTPServer.start()` returns the one bound.
    public var port: Int = 0
    /// Request line plus header block, in bytes (414 / 431 beyond).
    public var maxHeaderBytes = 16 * 1024
    /// Decoded request body, in bytes (413 beyond).
    public var maxBodyBytes = 32 * 1024 * 1024
    /// From the first byte of a request (or from accepting the connection)
    /// to the end of its head (408 after).
    public var headerTimeoutSeconds: Double = 10
    /// From the end of the head to the end of the body (408 after); also the
    /// limit for writing a response to a client that does not read.
    public var bodyTimeoutSeconds: Double = 30
    /// How long a kept-alive connection may wait for its next request.
    public var idleTimeoutSeconds: Double = 60
    /// Open connections at once; the next one gets 503 and is closed.
    public var maxConnections = 512

    public init() {}
}
