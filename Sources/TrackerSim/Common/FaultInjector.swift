import Synchronization

/// Decides, per request, whether a fault policy turns it into a 429 or a 503.
///
/// Setting a policy restarts the count of requests `failRequests` matched.
///
/// The rate limit is a fixed window per wall-clock second: the first N requests of a
/// second pass, later ones get 429 with `Retry-After: 1` (the window ends within a
/// second, and pycontribs `int()`s the header, so it is whole seconds).
final class FaultInjector: Sendable {
    enum Decision: Equatable {
        case pass
        case rateLimited(retryAfterSeconds: Int)
        case fail
        /// Handle the request, then answer 503 all the same.
        case failAfterHandling
    }

    private struct State {
        var policy: FaultPolicy
        var windowSecond: Int64 = -1
        var windowCount = 0
        /// Requests `policy.failRequests` matched since it was set.
        var matched = 0
        var random = SplitMix64(seed: 0x5EED_7A4D_E3)
    }

    private let state: Mutex<State>

    init(policy: FaultPolicy) {
        state = Mutex(State(policy: policy))
    }

    var policy: FaultPolicy {
        get { state.withLock { $0.policy } }
    }

    func setPolicy(_ policy: FaultPolicy) {
        state.withLock {
            $0.policy = policy
            $0.windowCount = 0
            $0.matched = 0
        }
    }

    /// Counts one request at `nowMillis` and says what to do with it.
    func decide(nowMillis: Int64, method: String = "", path: String = "") -> Decision {
        state.withLock { state in
            if let limit = state.policy.rateLimitPerSecond {
                let second = nowMillis / 1000
                if second != state.windowSecond {
                    state.windowSecond = second
                    state.windowCount = 0
                }
                state.windowCount += 1
                if state.windowCount > limit { return .rateLimited(retryAfterSeconds: 1) }
            }
            if state.policy.failRate > 0, state.random.nextUnit() < state.policy.failRate { return .fail }
            if let fault = state.policy.failRequests, fault.matches(method: method, path: path) {
                state.matched += 1
                if state.matched > fault.skip && state.matched <= fault.skip + fault.count {
                    return fault.afterHandling ? .failAfterHandling : .fail
                }
            }
            return .pass
        }
    }
}

