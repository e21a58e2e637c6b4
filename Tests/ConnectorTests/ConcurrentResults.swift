import Synchronization
import TandemJSON

/// Answers collected from several threads, by index.
final class ConcurrentResults: Sendable {
    private let storage: Mutex<[JSON?]>
    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: JSON?) { storage.withLock { $0[index] = value } }
    var values: [JSON?] { storage.withLock { $0 } }
}
