/// Retry delays: exponential with full jitter, capped, or what the other side
/// asked for (`Retry-After`), whichever is longer.
///
/// Full jitter (a random delay in [0, min(cap, base·2^attempt)]) spreads the
/// retries of many lanes that failed together, so a recovering tracker is not
/// hit by all of them at once.
struct Backoff: Sendable {
    var baseMs: Int64 = 200
    var capMs: Int64 = 30_000

    /// The delay before retry number `attempt` (0 for the first retry).
    func delayMs(attempt: Int, retryAfterMs: Int64? = nil) -> Int64 {
        let ceiling = min(capMs, baseMs << Int64(min(attempt, 20)))
        let jittered = Int64.random(in: 0...max(1, ceiling))
        guard let retryAfterMs else { return max(jittered, baseMs / 4) }
        return max(retryAfterMs, jittered)
    }
}
