import Foundation

/// The lanes in work right now, so that one entity is never processed by two
/// workers at once while different entities run in parallel.
///
/// A work item holds a set of keys (`entity:<local id>`, `in:<peer entity>`);
/// it may start only when none of its keys is held.
final class LaneLocks: @unchecked Sendable {
    private let lock = NSLock()
    private var held: Set<String> = []

    /// Takes all `keys` if none is held; false otherwise (nothing taken).
    func tryAcquire(_ keys: [String]) -> Bool {
        lock.withLock {
            guard keys.allSatisfy({ !held.contains($0) }) else { return false }
            held.formUnion(keys)
            return true
        }
    }

    func release(_ keys: [String]) {
        _ = lock.withLock { held.subtract(keys) }
    }

    func isHeld(_ key: String) -> Bool { lock.withLock { held.contains(key) } }
}
