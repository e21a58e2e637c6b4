import Foundation
import TandemJSON

/// One `tandem sync --query` run: what its search matched so far, and how far
/// the matches have got, kept up to date by bounded refreshes.
///
/// Invariants: `synced + parked + outOfScope + pending == queued`; a member leaves
/// `unsettled` once seen synced. Each `progress` call re-checks at most
/// `refreshBatch` unsettled members (round robin), so polling a run costs
/// the same at 200 matches as at 100,000. Lists in the answer are capped.
final class BulkRun: @unchecked Sendable {
    enum MemberState: Equatable, Sendable {
        case pending
        case parked(String)
        case outOfScope(String)
        case synced
    }

    static let refreshBatch = 500
    static let listed = 20
    static let skippedListed = 100

    let id: String
    let connection: String
    let query: String
    private let lock = NSLock()
    private var searching = true
    private var failure: String?
    private var members: Set<String> = []
    private var keys: [String: String] = [:]
    /// Members not seen synced yet, with each one's index for O(1) removal.
    private var unsettled: [String] = []
    private var position: [String: Int] = [:]
    private var rotation = 0
    private var parkedReasons: [String: String] = [:]
    private var outOfScopeReasons: [String: String] = [:]
    private var matched = 0
    private var synced = 0
    private var skipped: [JSON] = []
    private var skippedCount = 0

    init(id: String, connection: String, query: String) {
        self.id = id
        self.connection = connection
        self.query = query
    }

    var isSearching: Bool { lock.withLock { searching } }

    /// False when `id` is already a member (a repeat across pages).
    func admit(_ id: String) -> Bool {
        lock.withLock {
            guard members.insert(id).inserted else { return false }
            matched += 1
            return true
        }
    }

    func queued(_ id: String, key: String) {
        lock.withLock {
            keys[id] = key
            position[id] = unsettled.count
            unsettled.append(id)
        }
    }

    func skip(_ entry: JSON) {
        lock.withLock {
            skippedCount += 1
            if skipped.count < Self.skippedListed { skipped.append(entry) }
        }
    }

    func finishSearch(failure: String?) {
        lock.withLock {
            searching = false
            self.failure = failure
            // Only a search that is still paging can repeat a member.
            members = []
        }
    }

    /// Re-checks the next batch of unsettled members with `state`, then
    /// answers the run's counts.
    func progress(_ state: ([String]) throws -> [String: MemberState]) throws -> JSON {
        let batch: [String] = lock.withLock {
            guard !unsettled.isEmpty else { return [] }
            let count = min(Self.refreshBatch, unsettled.count)
            return (0..<count).map { unsettled[(rotation + $0) % unsettled.count] }
        }
        let states = batch.isEmpty ? [:] : try state(batch)
        return lock.withLock {
            rotation += batch.count
            for (id, now) in states where position[id] != nil {
                switch now {
                case .synced:
                    synced += 1
                    (parkedReasons[id], outOfScopeReasons[id]) = (nil, nil)
                    remove(id)
                case .parked(let reason):
                    (parkedReasons[id], outOfScopeReasons[id]) = (reason, nil)
                case .outOfScope(let reason):
                    (parkedReasons[id], outOfScopeReasons[id]) = (nil, reason)
                case .pending:
                    (parkedReasons[id], outOfScopeReasons[id]) = (nil, nil)
                }
            }
            if rotation >= unsettled.count { rotation = 0 }
            return answer()
        }
    }

    /// Swaps `id` with the last unsettled member and drops it (and its key:
    /// only unsettled members are listed).
    private func remove(_ id: String) {
        guard let index = position.removeValue(forKey: id) else { return }
        keys[id] = nil
        let last = unsettled.removeLast()
        if index < unsettled.count {
            unsettled[index] = last
            position[last] = index
        }
        // A finished run is kept for its counts; emptied tables keep the
        // storage of their largest size unless replaced.
        if unsettled.isEmpty { (unsettled, position, keys) = ([], [:], [:]) }
    }

    private func answer() -> JSON {
        let queued = matched - skippedCount
        let parked = parkedReasons.count, outOfScope = outOfScopeReasons.count
        func listed(_ reasons: [String: String]) -> [JSON] {
            reasons.prefix(Self.listed).map { id, reason in ["id": .string(id), "key": .string(keys[id] ?? id), "reason": .string(reason)] }
        }
        var pendingList: [JSON] = []
        for id in unsettled where parkedReasons[id] == nil && outOfScopeReasons[id] == nil {
            if pendingList.count == Self.listed { break }
            pendingList.append(["id": .string(id), "key": .string(keys[id] ?? id)])
        }
        return [
            "run": .string(id), "connection": .string(connection), "query": .string(query),
            "searching": .bool(searching), "error": failure.map(JSON.string) ?? .null,
            "matched": .int(Int64(matched)), "queued": .int(Int64(queued)), "synced": .int(Int64(synced)),
            "parked": .int(Int64(parked)), "outOfScope": .int(Int64(outOfScope)),
            "pending": .int(Int64(queued - synced - parked - outOfScope)), "skipped": .int(Int64(skippedCount)),
            "parkedEntities": .array(listed(parkedReasons)), "outOfScopeEntities": .array(listed(outOfScopeReasons)),
            "pendingEntities": .array(pendingList), "skippedEntities": .array(skipped),
        ]
    }
}

/// The runs a node knows, by id; the oldest finished ones are forgotten
/// beyond `kept`. Runs live in memory: a restart ends the search, while what
/// it queued stays queued in the store.
final class BulkRuns: @unchecked Sendable {
    static let kept = 16
    private let lock = NSLock()
    private var runs: [String: BulkRun] = [:]
    private var order: [String] = []
    private var counter = 0

    func create(connection: String, query: String) -> BulkRun {
        lock.withLock {
            counter += 1
            let run = BulkRun(id: "run-\(counter)-\(UInt32.random(in: 0...UInt32.max))", connection: connection, query: query)
            runs[run.id] = run
            order.append(run.id)
            while order.count > Self.kept, let index = order.firstIndex(where: { runs[$0]?.isSearching == false }) {
                runs[order.remove(at: index)] = nil
            }
            return run
        }
    }

    func run(_ id: String) -> BulkRun? { lock.withLock { runs[id] } }
}
