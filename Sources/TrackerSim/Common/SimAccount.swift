/// An account a simulator accepts besides its main one (`--account
/// NAME:SECRET`): a user of its own, so what it writes carries its name as
/// the actor, as a sync node's dedicated integration user does on a real
/// tracker.
public struct SimAccount: Sendable, Equatable {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}
