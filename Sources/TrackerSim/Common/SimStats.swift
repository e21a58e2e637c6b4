import Synchronization

/// Thread-safe counters behind `SimStatsSnapshot`.
final class SimStats: Sendable {
    private let counts = Mutex(SimStatsSnapshot(requests: 0, writes: 0))

    static func isWrite(_ method: String) -> Bool {
        method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE"
    }

    func record(method: String) {
        counts.withLock {
            $0.requests += 1
            if Self.isWrite(method) { $0.writes += 1 }
        }
    }

    func recordLegacySearch() { counts.withLock { $0.legacySearches += 1 } }
    func recordUsernameLookup() { counts.withLock { $0.usernameLookups += 1 } }

    var snapshot: SimStatsSnapshot { counts.withLock { $0 } }

    func reset() { counts.withLock { $0 = SimStatsSnapshot(requests: 0, writes: 0) } }
}
