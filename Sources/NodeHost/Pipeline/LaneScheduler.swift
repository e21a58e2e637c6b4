import Foundation
import TandemJSON

/// Runs a connection's work on its own worker threads: parallel across
/// entities, strictly in order within one.
///
/// Each worker takes the next runnable item: an inbox lane head (incoming
/// replicas and acks) or a pending change (outgoing), whose lane keys no
/// other worker holds. Items of a parked lane are never offered (the store
/// filters them). Workers sleep on the connection's `WorkSignal` when idle
/// and wake at least every `idleWakeSeconds` for deferred retries.
///
/// Thread: workers are plain threads, never Swift's cooperative pool, since
/// every item blocks on tracker round trips through the plugin.
final class LaneScheduler: @unchecked Sendable {
    enum Item {
        case incoming(QueuedMessage)
        case outgoing(PendingChange)
    }

    static let idleWakeSeconds = 0.2
    private let context: ConnectionContext
    private let choosing = NSLock()
    let threads = WorkerThreads()

    init(context: ConnectionContext) { self.context = context }

    func start() {
        for index in 0..<context.config.workers {
            threads.spawn(name: "tandem.\(context.name).worker\(index)", stackSize: 8 << 20) { [self] in workLoop() }
        }
    }

    /// Asks each worker to stop after the item in hand; `threads.waitExited` waits for them.
    func requestStop() {
        threads.requestStop()
        context.work.signal()
    }

    private var isRunning: Bool { threads.isRunning }

    private func workLoop() {
        while isRunning {
            let mark = context.work.mark()
            guard let (item, keys) = next() else {
                context.work.wait(since: mark, timeoutSeconds: Self.idleWakeSeconds)
                continue
            }
            run(item)
            context.locks.release(keys)
        }
    }

    /// The next item no other worker holds, with the lane keys taken for it.
    private func next() -> (Item, [String])? {
        choosing.withLock {
            let now = nowMs()
            guard let (heads, pending) = try? context.store.read({ tx in
                (try tx.inboxHeads(connection: context.name, now: now, limit: 64),
                 try tx.runnablePending(connection: context.name, now: now, limit: 64))
            }) else { return nil }
            for message in heads {
                let keys = laneKeys(message)
                if context.locks.tryAcquire(keys) { return (.incoming(message), keys) }
            }
            for change in pending {
                let keys = ["entity:" + change.localID]
                if context.createsInFlight > 0, (try? context.store.read({ try $0.twin(connection: context.name, localID: change.localID) })) == nil {
                    continue  // possibly the entity a first sync is creating right now: wait for its twin
                }
                if context.locks.tryAcquire(keys) { return (.outgoing(change), keys) }
            }
            return nil
        }
    }

    private func laneKeys(_ message: QueuedMessage) -> [String] {
        switch message.kind {
        case .ack:
            return ["ack:" + message.lane, "entity:" + message.lane]
        case .replica:
            var keys = ["in:" + message.lane]
            let twin = try? context.store.read { tx -> Twin? in
                if let twin = try tx.twin(connection: context.name, remoteID: message.lane) { return twin }
                guard let target = message.body["target"]?["id"]?.stringValue else { return nil }
                return try tx.twin(connection: context.name, localID: target)
            }
            if let local = twin?.localID { keys.append("entity:" + local) }
            return keys
        case .link, .unlink, .linkAck:
            return LinkStage.laneKeys(message)
        }
    }

    private func run(_ item: Item) {
        let outcome: StageOutcome
        let stage: String
        let entity: String
        var tx: String?
        switch item {
        case .incoming(let message):
            stage = message.kind == .ack ? "ack" : "incoming"
            entity = message.body["source"]?["key"]?.stringValue ?? message.lane
            tx = Self.transactionID(message)
            outcome = IncomingStage(context: context).process(message)
        case .outgoing(let change):
            stage = "outgoing"
            entity = change.localKey ?? change.localID
            outcome = OutgoingStage(context: context).process(change)
            if case .retry(_, let delay) = outcome {
                try? context.store.write { try $0.deferPending(change, until: nowMs() + delay) }
            }
        }
        record(outcome, stage: stage, entity: entity, tx: tx)
    }

    /// A replica's id on both nodes, "<origin entity id>#<seq>": the same in the
    /// receiver's apply line and the sender's ack line, so one grep follows a
    /// change across the two logs.
    static func transactionID(_ message: QueuedMessage) -> String? {
        guard let seq = message.body["seq"]?.intValue else { return nil }
        return message.lane + "#" + String(seq)
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
