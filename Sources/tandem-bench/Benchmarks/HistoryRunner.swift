import Foundation
import Synchronization
import LocalDeployment
import TandemJSON
import TandemAdminClient

/// Runs a `HistoryPlan` against a live deployment and records each step.
///
/// Operations run on worker threads, each pair always on the same worker, so
/// one pair's changes happen one after another in plan order (the real-time
/// order the field invariant relies on) while pairs run in parallel. Node
/// actions (pause, outage, kill) run beside them on their own threads.
final class HistoryRunner: @unchecked Sendable {
    let deployment: SyncDeployment
    let plan: HistoryPlan
    let trackers: HistoryTrackers
    let log = HistoryLog()
    private(set) var pairs: [Int: HistoryPairIDs] = [:]
    /// Serializes stopping and starting nodes (outages, kills).
    private let nodeLock = NSLock()
    private let progressLock = NSLock()
    private var done = 0
    /// Node restarts done by the killer, for the report.
    private(set) var kills: [String] = []

    init(deployment: SyncDeployment, plan: HistoryPlan) {
        self.deployment = deployment
        self.plan = plan
        trackers = HistoryTrackers(jira: deployment.jira, serviceNow: deployment.serviceNow)
    }

    // MARK: Set-up

    /// Creates every pair in its origin tracker and waits until each has its twin.
    func createPairs(timeout: Double) throws {
        var created: [Int: (id: String, key: String)] = [:]
        for pair in plan.pairs { created[pair.index] = try trackers.create(pair.origin, pair.token) }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            let jira = try trackers.entities(.jira), serviceNow = try trackers.entities(.serviceNow)
            for pair in plan.pairs where pairs[pair.index] == nil {
                let origin = created[pair.index]!
                let twin = (pair.origin == .jira ? serviceNow : jira).first { $0.createdFrom == origin.id }
                guard let twin else { continue }
                pairs[pair.index] = pair.origin == .jira
                    ? HistoryPairIDs(jira: origin, serviceNow: (twin.id, twin.key))
                    : HistoryPairIDs(jira: (twin.id, twin.key), serviceNow: origin)
            }
            if pairs.count == plan.pairs.count { return }
            guard Date() < deadline else {
                throw HistoryRunError("only \(pairs.count) of \(plan.pairs.count) pairs were linked within \(Int(timeout)) s; "
                                      + "see the node logs in \(deployment.folder)")
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
    }

    // MARK: The stream

    /// Runs every operation at its time, one thread per pair (so a pair's
    /// changes keep plan order while a slow pair delays no other) and one for
    /// the creates; with `killEvery`, a random node is also killed (SIGKILL)
    /// and restarted every so often meanwhile (or, with `simulatorsToo`, a
    /// simulator started with `--data`).
    func stream(killEvery: ClosedRange<Double>?, simulatorsToo: Bool = false) {
        let streamEnd = (plan.operations.last?.at ?? 0)
        var queues: [Int: [HistoryOperation]] = [:]
        var nodeActions: [HistoryOperation] = []
        for operation in plan.operations {
            switch operation.action {
            case .pause, .outage: nodeActions.append(operation)
            default: queues[operation.pair ?? -1, default: []].append(operation)
            }
        }
        let group = DispatchGroup()
        for queue in queues.values {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                for operation in queue { perform(operation) }
            }
        }
        for operation in nodeActions {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                perform(operation)
            }
        }
        if let killEvery {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                var random = SeededRandom(plan.seed ^ 0x6B69_6C6C)
                while true {
                    let pause = random.seconds(in: killEvery)
                    guard log.now + pause < streamEnd else { break }
                    Thread.sleep(forTimeInterval: pause)
                    let node = random.pick(simulatorsToo ? ["blue", "green", "jira", "servicenow"] : ["blue", "green"])
                    if node == "jira" || node == "servicenow" { restartSimulator(node) } else { restart(node, after: 0, kill: true) }
                }
            }
        }
        let total = plan.operations.count
        while group.wait(timeout: .now() + 5) == .timedOut {
            let count = progressLock.withLock { done }
            print("  \(fixed(log.now, 0)) s: \(count) of \(total) operations done")
        }
    }

    private func perform(_ operation: HistoryOperation) {
        let wait = operation.at - log.now
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        defer { progressLock.withLock { done += 1 } }
        var settled: Bool?
        if case .edit(let field, _) = operation.action, let pair = operation.pair, plan.pairs[pair].mode == .alternating,
           let ids = pairs[pair] {
            settled = waitUntilSettled(pair: pair, field: field, ids: ids)
        }
        let start = log.now
        var entity: (id: String, key: String)?
        var outcome = HistoryEvent.Outcome.done
        do {
            switch operation.action {
            case .create(let token):
                entity = try trackers.create(operation.side, token)
            case .pause(let seconds):
                let node = operation.side == .jira ? deployment.blueAdmin : deployment.greenAdmin
                try setPaused(node, "pause")
                Thread.sleep(forTimeInterval: seconds)
                try setPaused(node, "resume")
            case .outage(let seconds):
                restart(operation.side.node, after: seconds, kill: false)
            case .edit, .comment, .attach:
                guard let pair = operation.pair, let ids = pairs[pair] else { outcome = .skipped("no such pair"); break }
                let target = ids.ids(operation.side)
                entity = target
                try change(operation, pair: plan.pairs[pair], ids: ids, target: target)
            }
        } catch {
            outcome = .failed("\(error)")
        }
        log.append(HistoryEvent(operation: operation, start: start, end: log.now, outcome: outcome, entity: entity, settled: settled))
    }

    private func change(_ operation: HistoryOperation, pair: HistoryPlan.Pair, ids: HistoryPairIDs,
                        target: (id: String, key: String)) throws {
        let side = operation.side
        switch operation.action {
        case .edit(let field, let value):
            try trackers.edit(side, id: target.id, key: target.key, field, value)
            settled.withLock { $0["\(pair.index).\(field.rawValue)"] = (side, value) }
        case .comment(let body): try trackers.comment(side, id: target.id, key: target.key, body)
        case .attach(let filename, let bytes): try trackers.attach(side, id: target.id, key: target.key, filename: filename, bytes: bytes)
        default: break
        }
    }

    /// The last edit of each alternating pair's field, by pair and field.
    private let settled = Mutex<[String: (side: HistorySide, value: String)]>([:])

    /// An alternating edit waits until the previous edit of the field shows
    /// in the other tracker, then 0.5 s more, as a person who saw it arrive
    /// and then changed it would (bounded: 5 s; the edit is then
    /// made anyway and marked unsettled).
    private func waitUntilSettled(pair: Int, field: HistoryField, ids: HistoryPairIDs) -> Bool {
        guard let last = settled.withLock({ $0["\(pair).\(field.rawValue)"] }), field.crosses else { return true }
        let other = ids.ids(last.side.other)
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline {
            if (try? trackers.shows(last.side.other, id: other.id, key: other.key, field, last.value)) == true {
                Thread.sleep(forTimeInterval: 0.5)
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    private func setPaused(_ node: NodeAdmin, _ verb: String) throws {
        // A node killed meanwhile comes back unpaused; a failed resume is retried until it answers.
        let deadline = Date(timeIntervalSinceNow: 30)
        while true {
            if let answer = try? node.request("POST", "/admin/v1/connections/\(SyncDeployment.connection)/\(verb)"),
               answer.status == 200 { return }
            guard Date() < deadline else { throw HistoryRunError("node \(node.baseURL) did not \(verb) its connection within 30 s") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Kills simulator `name` (SIGKILL) and starts it again on its port, with its data.
    private func restartSimulator(_ name: String) {
        nodeLock.withLock {
            (name == "jira" ? deployment.jiraSim! : deployment.serviceNowSim!).kill()
            kills.append("\(fixed(log.now, 2)) s: kill -9 \(name) simulator")
            for attempt in 1...20 {
                do {
                    try deployment.startSimulator(name)
                    return
                } catch {
                    if attempt == 20 { print("simulator \(name) did not start again: \(error)") }
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
        }
    }

    /// Stops `node` (SIGKILL or SIGTERM), waits `seconds`, starts it again on its port.
    private func restart(_ node: String, after seconds: Double, kill: Bool) {
        nodeLock.withLock {
            let process = node == "blue" ? deployment.blue! : deployment.green!
            if kill { process.kill() } else { process.stop() }
            if kill { kills.append("\(fixed(log.now, 2)) s: kill -9 \(node)") }
            Thread.sleep(forTimeInterval: seconds)
            var attempts = 0
            while true {
                do {
                    try deployment.startNode(node)
                    return
                } catch {
                    attempts += 1
                    // The port may still be in TIME_WAIT for a moment.
                    if attempts > 20 { print("node \(node) did not start again: \(error)"); return }
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
        }
    }
}

struct HistoryRunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
