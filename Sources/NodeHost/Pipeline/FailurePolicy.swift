import TandemJSON
import TandemTime

/// What every stage does with a failed work item: one policy for all.
///
/// A transient failure (network, 5xx, 429, a busy store) defers the item
/// with full-jitter backoff, honouring a tracker's Retry-After; the item
/// stays queued. A permanent failure parks the item's lane with the reason:
/// later items of that entity wait behind it, other entities go on
/// (invariant 4 of the store). A failed inbox item answers the peer in the
/// transaction that parks it, so the sender learns why.
struct FailurePolicy {
    let context: ConnectionContext
    var backoff = Backoff()

    func retry(_ message: QueuedMessage, _ reason: String, retryAfterMs: Int64? = nil) -> StageOutcome {
        let delay = backoff.delayMs(attempt: message.attempts, retryAfterMs: retryAfterMs)
        do {
            try context.store.write { try $0.deferInbox(id: message.id, until: Timestamp.now() + delay) }
        } catch {
            // The item stays runnable; the scheduler's idle wait paces it.
            context.logger.error("cannot defer \(message.kind.rawValue) \(message.seq) of \(message.lane): \(error)",
                                 connection: context.name)
        }
        return .retry(reason: reason, delayMs: delay)
    }

    func retry(_ change: PendingChange, _ reason: String, retryAfterMs: Int64? = nil) -> StageOutcome {
        let delay = backoff.delayMs(attempt: change.attempts, retryAfterMs: retryAfterMs)
        do {
            try context.store.write { try $0.deferPending(change, until: Timestamp.now() + delay) }
        } catch {
            context.logger.error("cannot defer the change of \(change.localKey ?? change.localID): \(error)", connection: context.name)
        }
        return .retry(reason: reason, delayMs: delay)
    }

    /// Defers a change inside the caller's transaction (a store write must
    /// not nest in another).
    func retry(_ change: PendingChange, _ reason: String, in tx: StoreTransaction) throws -> StageOutcome {
        let delay = backoff.delayMs(attempt: change.attempts)
        try tx.deferPending(change, until: Timestamp.now() + delay)
        return .retry(reason: reason, delayMs: delay)
    }

    /// Parks an inbox lane; `answer` (an ack or link-ack) goes to the peer in
    /// the same transaction.
    func park(_ message: QueuedMessage, label: String, _ reason: String, stage: String = "incoming",
              answer: PeerMessage? = nil) -> StageOutcome {
        do {
            try context.store.write { tx in
                try tx.park(connection: context.name, lane: message.parkedLane, entity: label, stage: stage, reason: reason)
                if let answer { try tx.enqueueOutbox(connection: context.name, answer) }
            }
        } catch {
            return retry(message, "store: \(error)")
        }
        context.sendSignal.signal()
        return .parked(reason)
    }

    /// Parks the outgoing lane of a local entity.
    func park(_ change: PendingChange, label: String, _ reason: String) -> StageOutcome {
        do {
            try context.store.write { tx in
                try tx.park(connection: context.name, lane: "out:" + change.localID, entity: label, stage: "outgoing", reason: reason)
            }
        } catch {
            return retry(change, "store: \(error)")
        }
        return .parked(reason)
    }

    /// The outcome of a failed plugin call: retried when transient, else parked.
    func failed(_ message: QueuedMessage, label: String, _ error: any Error, doing what: String,
                answer: (String) -> PeerMessage?) -> StageOutcome {
        if let callError = error as? PluginCallError, callError.isTransient {
            return retry(message, callError.description, retryAfterMs: callError.retryAfterMs)
        }
        let reason = "\(what): \(error)"
        return park(message, label: label, reason, answer: answer(reason))
    }
}
