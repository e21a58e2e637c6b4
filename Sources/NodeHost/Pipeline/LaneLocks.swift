import Foundation

/// The lanes in work right now, so that one entity is never processed by two
/// workers at once while different entities run in parallel.
///
/// A work item holds a set of keys (`entity:<local id>`, `in:<peer entity>`,
/// `ack:<local id>`); it may start only when none of its keys is held.
final class LaneLocks: @unchecked Sendable {
    private let condition = NSCondition()
    private var held: Set<String> = []

    /// Takes all `keys` if none is held; false otherwise (nothing taken).
    func tryAcquire(_ keys: [String]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard keys.allSatisfy({ !held.contains($0) }) else { return false }
        held.formUnion(keys)
        return true
    }

    /// Takes all `keys`, waiting until none is held.
    func acquire(_ keys: [String]) {
        condition.lock()
        defer { condition.unlock() }
        while !keys.allSatisfy({ !held.contains($0) }) { condition.wait() }
        held.formUnion(keys)
    }

    func release(_ keys: [String]) {
        condition.lock()
        held.subtract(keys)
        condition.broadcast()
        condition.unlock()
    }

    func isHeld(_ key: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return held.contains(key)
    }
}
