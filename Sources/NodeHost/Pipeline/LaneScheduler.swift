import Foundation
import TandemJSON
import TandemTime
import TandemThreads

/// Runs a connection's work on its own worker threads: parallel across
/// entities, strictly in order within one.
///
/// Each worker takes the next runnable item: an inbox lane head (incoming
/// replicas and acks) or a pending change (outgoing), whose lane keys no
/// other worker holds. Picks look at the two queues first by turns
/// (`PickTurns`), so a backlog in one never starves the other. Items of a
/// parked lane are never offered (the store filters them). Workers sleep on
/// the connection's `WorkSignal` when idle and wake at least every
/// `idleWakeSeconds` for deferred retries.
///
/// Thread: workers are plain threads, never Swift's cooperative pool, since
/// every item blocks on tracker round trips through the plugin.
final class LaneScheduler: @unchecked Sendable {
    enum Item {
        /// An inbox lane head, decoded once when it was chosen; a message
        /// that does not decode is parked with the reason when it runs.
        case incoming(QueuedMessage, Result<PeerMessage, ProtocolError>)
        case outgoing(PendingChange)
    }

    static let idleWakeSeconds = 0.2
    private let context: ConnectionContext
    private let workers: Int
    private let stages: ConnectionStages
    private let choosing = NSLock()
    /// Which queue a pick looks at first; guarded by `choosing`.
    private var turns = PickTurns()
    let threads: WorkerGroup

    init(context: ConnectionContext, workers: Int, stages: ConnectionStages) {
        self.context = context
        self.workers = workers
        self.stages = stages
        threads = WorkerGroup(name: "tandem.\(context.name).worker")
    }

    func start() {
        threads.start(count: workers) { [self] _ in workLoop() }
    }

    /// Asks each worker to stop after the item in hand; `threads.waitExited` waits for them.
    func requestStop() {
        threads.requestStop()
        context.work.signal()
    }

    private var isRunning: Bool { threads.isRunning }

    private func workLoop() {
        while isRunning {
            // While the store fails (a full disk), take no new item at once:
            // pause with a growing delay; the first write that succeeds ends it.
            let mark = context.work.mark()
            let pauseMs = context.store.faults.pauseMs
            if pauseMs > 0 { context.work.wait(since: mark, timeoutSeconds: Double(pauseMs) / 1000) }
            guard let (item, keys) = next() else {
                context.work.wait(since: mark, timeoutSeconds: Self.idleWakeSeconds)
                continue
            }
            run(item)
            context.locks.release(keys)
        }
    }

    /// The next item no other worker holds, with the lane keys taken for it.
    ///
    /// One store read per pick. Picks are serialised by `choosing`, and the
    /// list is checked against the lanes inside the read, so a list is never
    /// older than the lanes it is checked against. The read's commits are
    /// made durable after `choosing` is released: the next pick does not wait
    /// on the disk, and this item does not run before what it saw is durable.
    private func next() -> (Item, [String])? {
        let picked: (value: (Item, [String])?, seen: UInt64)
        do {
            picked = try choosing.withLock {
                let now = Timestamp.now()
                let order = turns.next()
                return try context.store.readDeferringDurability { tx -> (Item, [String])? in
                    let heads = try tx.inboxHeads(connection: context.name, now: now, limit: Self.candidates)
                    let pending = try tx.runnablePending(connection: context.name, now: now, limit: Self.candidates)
                    for source in order {
                        switch source {
                        case .incoming:
                            if let picked = try pickIncoming(heads, tx) { return picked }
                        case .outgoing:
                            if let picked = pickOutgoing(pending, tx) { return picked }
                        }
                    }
                    return nil
                }
            }
        } catch {
            return nil  // counted and logged by the store's faults; the worker pauses (`workLoop`)
        }
        guard let (item, keys) = picked.value else { return nil }
        do {
            try context.store.waitDurable(picked.seen)
        } catch {
            context.locks.release(keys)
            return nil
        }
        return (item, keys)
    }

    /// Candidates read per pick from each queue: enough that lanes in work
    /// (at most one item per worker) rarely hide all runnable ones.
    static let candidates = 64

    private func pickIncoming(_ heads: [InboxHead], _ tx: StoreTransaction) throws -> (Item, [String])? {
        for head in heads where !Self.quickKeys(head.kind, lane: head.lane).contains(where: context.locks.isHeld) {
            guard let queued = try tx.inboxMessage(id: head.id) else { continue }
            let decoded = Result { () throws(ProtocolError) -> PeerMessage in try queued.decoded() }
            let keys = laneKeys(queued, decoded, tx)
            if context.locks.tryAcquire(keys) { return (.incoming(queued, decoded), keys) }
        }
        return nil
    }

    private func pickOutgoing(_ pending: [PendingChange], _ tx: StoreTransaction) -> (Item, [String])? {
        let creating = context.createsInFlight > 0
        for change in pending {
            let keys = ["entity:" + change.localID]
            if context.locks.isHeld(keys[0]) { continue }
            if creating {
                // Possibly the entity a first sync is creating right now: wait for its twin.
                do {
                    guard try tx.twinLink(connection: context.name, localID: change.localID) != nil else { continue }
                } catch {
                    continue
                }
            }
            if context.locks.tryAcquire(keys) { return (.outgoing(change), keys) }
        }
        return nil
    }

    /// Keys an inbox message holds that are known without decoding it or
    /// looking up its twin: enough to pass over a lane in work.
    static func quickKeys(_ kind: QueuedMessage.Kind, lane: String) -> [String] {
        switch kind {
        case .replica, .link, .unlink: return ["in:" + lane]
        case .ack, .linkAck: return ["ack:" + lane, "entity:" + lane]
        }
    }

    /// The lane keys of an inbox message: a replica also holds its local
    /// twin's entity lane, when the twin exists. A message that does not
    /// decode holds its own inbox lane only: it touches no entity, and `run`
    /// parks it.
    private func laneKeys(_ queued: QueuedMessage, _ decoded: Result<PeerMessage, ProtocolError>, _ tx: StoreTransaction) -> [String] {
        let message: PeerMessage
        switch decoded {
        case .success(let success): message = success
        case .failure: return ["in:" + queued.lane]
        }
        guard case .replica(let replica) = message else { return message.laneKeys(localTwin: nil) }
        do {
            var localID = try tx.twinLocalID(connection: context.name, remoteID: replica.source.id)
            if localID == nil, let target = replica.target, try tx.twinLink(connection: context.name, localID: target.id) != nil {
                localID = target.id
            }
            return message.laneKeys(localTwin: localID)
        } catch {
            // Unknown twin: hold the peer lane only; the apply re-reads and retries on a store error.
            context.logger.error("cannot look up the twin of \(replica.source.label): \(error)", connection: context.name)
            return message.laneKeys(localTwin: nil)
        }
    }

    private func run(_ item: Item) {
        let outcome: StageOutcome
        let stage: String
        var entity: String
        var tx: String?
        switch item {
        case .incoming(let queued, let decoded):
            entity = queued.lane
            do throws(ProtocolError) {
                let message = try decoded.get()
                tx = message.transactionID
                switch message {
                case .replica(let replica):
                    stage = "incoming"
                    entity = replica.source.label
                    outcome = charging(queued.parkedLane, entity) { stages.replicas.process(queued, replica) }
                case .ack(let ack):
                    stage = "ack"
                    outcome = charging(queued.parkedLane, entity) { stages.acks.process(queued, ack) }
                case .link, .unlink, .linkAck:
                    stage = "incoming"
                    outcome = charging(queued.parkedLane, entity) { stages.links.process(queued, message) }
                }
            } catch {
                stage = "incoming"
                outcome = stages.failures.park(queued, label: queued.lane, "undecodable message in the store: \(error)")
            }
        case .outgoing(let change):
            stage = "outgoing"
            entity = change.localKey ?? change.localID
            outcome = charging("out:" + change.localID, entity) { stages.outgoing.process(change) }
        }
        record(outcome, stage: stage, entity: entity, tx: tx)
    }

    /// Runs a stage with its lane as the thread's call site, so a plugin
    /// crash or hang during it is charged to this entity.
    private func charging(_ lane: String, _ entity: String, _ body: () -> StageOutcome) -> StageOutcome {
        CallSite.with(CallSite(connection: context.name, lane: lane, entity: entity), body)
    }

    private func record(_ outcome: StageOutcome, stage: String, entity: String, tx: String?) {
        let result: String
        switch outcome {
        case .done(let detail):
            result = "done"
            context.logger.info(detail, connection: context.name, entity: entity, tx: tx, ["stage": .string(stage)])
            if stage == "outgoing" { context.sendSignal.signal() }
        case .skipped(let detail):
            result = "skipped"
            context.logger.log(.debug, detail, connection: context.name, entity: entity, tx: tx, ["stage": .string(stage)])
        case .retry(let reason, let delay):
            result = "retry"
            context.metrics.increment("tandem_retries_total", ["connection": context.name, "stage": stage])
            context.logger.warn("will retry in \(delay) ms: \(reason)", connection: context.name, entity: entity,
                                tx: tx, ["stage": .string(stage)])
        case .parked(let reason):
            result = "parked"
            context.logger.error("parked: \(reason)", connection: context.name, entity: entity, tx: tx, ["stage": .string(stage)])
        }
        context.metrics.increment("tandem_syncs_total", ["connection": context.name, "stage": stage, "outcome": result])
    }
}
