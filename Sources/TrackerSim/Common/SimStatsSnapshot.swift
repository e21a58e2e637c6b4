/// Requests a simulator has answered since it started: all of them, and the writes
/// (POST, PUT, PATCH, DELETE). `/_sim/*` requests are not counted, so reading the
/// counters does not move them.
public struct SimStatsSnapshot: Sendable, Equatable {
    public var requests: Int
    public var writes: Int
    public init(requests: Int, writes: Int) {
        self.requests = requests
        self.writes = writes
    }
}
