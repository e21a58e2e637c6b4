import Foundation
import TandemJSON

/// One `tandem sync --query` run: what its search matched so far, and how far
/// the matches have got, kept up to date by bounded refreshes.
///
/// Invariants: `synced + parked + outOfScope + pending == queued`; a member leaves
/// `unsettled` once seen synced. Each `progress` call re-checks at most
/// `refreshBatch` unsettled members (round robin), so polling a run costs
/// the same at 200 matches as at 100,000. Lists in the answer are capped.
///
/// Memory: one array entry per unsettled member, found again by its index,
/// and a set of ids only while the search runs; per-id tables took 21 MiB
/// at 100,000 matches, most of the node's peak during a bulk link.
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
    /// Every id matched so far, while the search runs (a repeat across pages).
    private var members: Set<String> = []
    /// Members not seen synced yet, in no order; removed by swapping in the last.
    private var unsettled: [Member] = []
    private var rotation = 0
    private var parkedReasons: [String: (member: Member, reason: String)] = [:]
    private var outOfScopeReasons: [String: (member: Member, reason: String)] = [:]
    private var matched = 0
    private var synced = 0
    private var skipped: [JSON] = []
    private var skippedCount = 0

    private struct Member {
        var id: String
        var key: String
    }

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
        lock.withLock { unsettled.append(Member(id: id, key: key)) }
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
        let batch: [(index: Int, id: String)] = lock.withLock {
            guard !unsettled.isEmpty else { return [] }
            let count = min(Self.refreshBatch, unsettled.count)
            return (0..<count).map { offset in
                let index = (rotation + offset) % unsettled.count
                return (index, unsettled[index].id)
            }
        }
        let states = batch.isEmpty ? [:] : try state(batch.map(\.id))
        return lock.withLock {
            rotation += batch.count
            // Highest index first: swapping the last member into a slot
            // never moves one still to be visited.
            for (index, id) in batch.sorted(by: { $0.index > $1.index }) {
                // A refresh running beside this one may have moved it; it is looked at again later.
                guard let now = states[id], index < unsettled.count, unsettled[index].id == id else { continue }
                let member = unsettled[index]
                (parkedReasons[id], outOfScopeReasons[id]) = (nil, nil)
                switch now {
                case .synced:
                    synced += 1
                    remove(at: index)
                case .parked(let reason):
                    parkedReasons[id] = (member, reason)
                case .outOfScope(let reason):
                    outOfScopeReasons[id] = (member, reason)
                case .pending:
                    break
                }
            }
            if rotation >= unsettled.count { rotation = 0 }
            return answer()
        }
    }

    /// Drops the member at `index`, swapping the last one into its place.
    private func remove(at index: Int) {
        let last = unsettled.removeLast()
        if index < unsettled.count { unsettled[index] = last }
        // A finished run is kept for its counts: let go of the storage.
        if unsettled.isEmpty { unsettled = [] }
    }

    private func answer() -> JSON {
        let queued = matched - skippedCount
        let parked = parkedReasons.count, outOfScope = outOfScopeReasons.count
        func listed(_ reasons: [String: (member: Member, reason: String)]) -> [JSON] {
            reasons.values.prefix(Self.listed).map {
                ["id": .string($0.member.id), "key": .string($0.member.key), "reason": .string($0.reason)]
            }
        }
        var pendingList: [JSON] = []
        for member in unsettled where parkedReasons[member.id] == nil && outOfScopeReasons[member.id] == nil {
            if pendingList.count == Self.listed { break }
            pendingList.append(["id": .string(member.id), "key": .string(member.key)])
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
