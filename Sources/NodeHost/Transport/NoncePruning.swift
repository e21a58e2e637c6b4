import Synchronization
import TandemTime

/// When used nonces were last pruned: a nonce older than the signature
/// window can never be replayed (its timestamp is refused), so the table only
/// needs the last `maxSkewSeconds` (plus a margin for clock skew).
final class NoncePruning: Sendable {
    static let intervalMs: Int64 = 60_000
    private let lastPrunedMs = Atomic<Int64>(0)

    /// Deletes nonces older than twice the window, at most once per interval.
    func pruneIfDue(_ tx: StoreTransaction, now: Int64 = Timestamp.now()) throws {
        let last = lastPrunedMs.load(ordering: .relaxed)
        guard now - last >= Self.intervalMs else { return }
        guard lastPrunedMs.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged else { return }
        try tx.pruneNonces(olderThan: now - 2 * RequestSigner.maxSkewSeconds * 1000)
    }
}
