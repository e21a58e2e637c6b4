import Synchronization
import TandemDigest

/// Access tokens a simulator issued from its OAuth token endpoint, each valid
/// until its expiry; thread-safe. A token names the account it was issued to.
final class SimOAuthTokens: Sendable {
    private let tokens = Mutex<[String: (user: String, expiresAt: Int64)]>([:])

    /// A new token for `user`, valid `seconds` from `now`.
    func issue(for user: String, seconds: Int, now: Int64) -> String {
        let token = Digest.hex(Digest.randomBytes(24))
        tokens.withLock { $0[token] = (user, now + Int64(seconds) * 1000) }
        return token
    }

    /// Forgets every token, as an administrator revoking them does.
    func revokeAll() { tokens.withLock { $0.removeAll() } }

    /// The account of an unexpired token, or nil.
    func user(of token: String, now: Int64) -> String? {
        tokens.withLock { all in
            guard let entry = all[token] else { return nil }
            if entry.expiresAt <= now {
                all[token] = nil
                return nil
            }
            return entry.user
        }
    }
}
