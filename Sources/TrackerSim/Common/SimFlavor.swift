import TandemHTTP

/// What differs between simulators at the HTTP front: the error envelope and
/// which paths answer without credentials.
struct SimFlavor: Sendable {
    /// Builds the tracker's error response for `status` and a human `message`.
    var error: @Sendable (_ status: Int, _ message: String) -> HTTPResponse
    /// Paths (exact) that need no credentials.
    var anonymousPaths: Set<String>
    /// Headers added to a 429 besides `Retry-After`.
    var rateLimitHeaders: @Sendable (_ limit: Int) -> [(String, String)]
}
