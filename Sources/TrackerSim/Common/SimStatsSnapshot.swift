/// Requests a simulator has answered since it started: all of them, and the writes
/// (POST, PUT, PATCH, DELETE). `/_sim/*` requests are not counted, so reading the
/// counters does not move them.
///
/// Jira also counts the calls Jira Cloud no longer serves, whatever the flavour,
/// so a test can assert a connector never makes them: `legacySearches` (the old
/// `/rest/api/2|3/search`) and `usernameLookups` (users by `username=`).
public struct SimStatsSnapshot: Sendable, Equatable {
    public var requests: Int
    public var writes: Int
    public var legacySearches: Int
    public var usernameLookups: Int

    public init(requests: Int, writes: Int, legacySearches: Int = 0, usernameLookups: Int = 0) {
        self.requests = requests
        self.writes = writes
        self.legacySearches = legacySearches
        self.usernameLookups = usernameLookups
    }
}
