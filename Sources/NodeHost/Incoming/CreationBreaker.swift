import Foundation
import TandemTime

/// Bounds the creates one connection makes in its tracker: at most `limit`
/// in any 60 seconds. A burst beyond it is a configuration mistake far more
/// often than real work (two connections feeding each other, a script that
/// creates on every update), and each extra create would be one more entity
/// for a human to delete. Bulk imports raise the connection's
/// `maxCreatesPerMinute`; 0 turns the breaker off.
///
/// Thread: any.
final class CreationBreaker: @unchecked Sendable {
    static let window: Int64 = 60_000
    let limit: Int
    private let lock = NSLock()
    private var recent: [Int64] = []

    init(limit: Int) { self.limit = limit }

    /// Counts one create now; the reason it must not happen when the limit is reached.
    func admit(now: Int64 = Timestamp.now()) -> String? {
        guard limit > 0 else { return nil }
        return lock.withLock {
            recent.removeAll { $0 <= now - Self.window }
            guard recent.count < limit else {
                return "circuit breaker: \(recent.count) entities created in the last minute reach maxCreatesPerMinute=\(limit); look for a sync loop (two connections or scripts feeding each other), then `tandem connections resume` and `tandem errors retry`"
            }
            recent.append(now)
            return nil
        }
    }
}
