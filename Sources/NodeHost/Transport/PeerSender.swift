import Foundation
import TandemHTTP
import TandemJSON
import TandemThreads

/// Drains a connection's outbox to the peer node (docs/architecture.md, Transport).
///
/// One thread per connection posts signed batches to `/peer/v1/messages` in
/// outbox order, so each lane's messages arrive in seq order. A batch is
/// removed only after the peer answered 2xx, which it does only after its
/// inbox commit; anything else is retried with full-jitter backoff, the
/// batch unchanged. A paused connection sends nothing and keeps its queue.
final class PeerSender: @unchecked Sendable {
    static let batchSize = 1_000
    /// Retrying a peer costs one small request, and a returning peer should
    /// not wait long for its backlog: a short cap (trackers get 30 s).
    static let backoff = Backoff(baseMs: 100, capMs: 2_000)
    static let path = "/peer/v1/messages"
    private let context: ConnectionContext
    private let peer: PeerClient
    /// The peer's URL and secret, for the hello that explains a refusal.
    private let peerConfig: NodeConfig.Peer
    let threads: WorkerGroup

    init(context: ConnectionContext, peer: PeerClient, peerConfig: NodeConfig.Peer) {
        self.context = context
        self.peer = peer
        self.peerConfig = peerConfig
        threads = WorkerGroup(name: "tandem.\(context.name).sender")
    }

    func start() {
        threads.start { [self] _ in loop() }
    }

    /// Asks the sender to stop after the request in flight; `threads.waitExited` waits for it.
    func requestStop() {
        threads.requestStop()
        context.sendSignal.signal()
    }

    private var isRunning: Bool { threads.isRunning }

    private func loop() {
        var failures = 0
        while isRunning {
            let mark = context.sendSignal.mark()
            if context.isPaused {
                context.sendSignal.wait(since: mark, timeoutSeconds: 1)
                continue
            }
            let batch: [QueuedMessage]
            do {
                batch = try context.store.read { try $0.outboxBatch(connection: context.name, limit: Self.batchSize) }
            } catch {
                // Counted and logged by the store's faults; try again after the pause.
                context.sendSignal.wait(since: mark, timeoutSeconds: max(1, Double(context.store.faults.pauseMs) / 1000))
                continue
            }
            guard !batch.isEmpty else {
                context.sendSignal.wait(since: mark, timeoutSeconds: 1)
                continue
            }
            if let problem = send(Self.coalesced(batch)) {
                let delay = Self.backoff.delayMs(attempt: failures)
                if failures == 0 || failures % 10 == 0 {
                    context.logger.warn("peer delivery failed, retrying in \(delay) ms: \(problem)", connection: context.name,
                                        ["queued": .int(Int64(batch.count))])
                }
                failures += 1
                context.metrics.increment("tandem_retries_total", ["connection": context.name, "stage": "send"])
                // A fresh mark: work queued during the failed send must not cut
                // the back-off short; a stop after the mark still ends the wait.
                let backoffMark = context.sendSignal.mark()
                if isRunning { context.sendSignal.wait(since: backoffMark, timeoutSeconds: Double(delay) / 1000) }
                continue
            }
            if failures > 0 {
                context.logger.info("peer reachable again after \(failures) failed attempts", connection: context.name)
            }
            failures = 0
            do {
                try context.store.write { tx in
                    try tx.deleteOutbox(ids: batch.map(\.id))
                    try tx.recordSent(Self.coalesced(batch), connection: context.name)
                }
            } catch {
                context.logger.error("cannot remove delivered messages: \(error)", connection: context.name)
            }
            context.metrics.increment("tandem_messages_sent_total", ["connection": context.name], by: Double(batch.count))
        }
    }

    /// The batch with only the newest replica of each lane, in outbox order.
    ///
    /// A replica is a whole-state snapshot, so an older one of the same
    /// entity adds nothing the newer one lacks; after an outage this sends
    /// one message per entity instead of every change queued meanwhile. The
    /// others are removed with the batch once the peer has stored it, and
    /// the one sent carries the oldest one's `previous`. Acks and link
    /// messages are all sent.
    static func coalesced(_ batch: [QueuedMessage]) -> [QueuedMessage] {
        var newest: [String: Int64] = [:]
        var oldest: [String: QueuedMessage] = [:]
        for message in batch where message.kind == .replica {
            newest[message.lane] = max(newest[message.lane] ?? 0, message.seq)
            if oldest[message.lane].map({ message.seq < $0.seq }) ?? true { oldest[message.lane] = message }
        }
        return batch.compactMap { message in
            guard message.kind == .replica else { return message }
            guard newest[message.lane] == message.seq else { return nil }
            // The peer holds what preceded the oldest replica it now skips.
            var sent = message
            sent.body["previous"] = oldest[message.lane]?.body["previous"] ?? .null
            return sent
        }
    }

    /// Posts one batch; nil when the peer stored it.
    private func send(_ batch: [QueuedMessage]) -> String? {
        let body = ProtocolVersion.batch(batch.map(\.body), from: context.store.identity).serialized()
        do throws(HTTPClientError) {
            let response = try peer.send(method: "POST", target: Self.path, body: body, contentType: "application/json",
                                                 timeoutSeconds: 30)
            switch response.status {
            case 200..<300: return nil
            case 400: return "the peer refused the batch (HTTP 400): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            case 401:  // the hello says which: an unknown connection, or a different secret or clock
                let verdict = PeerHello.ask(connection: context.name, peerURL: peerConfig.url,
                                            secret: peerConfig.secret, client: peer.http)
                return verdict.isCompatible ? "the peer refused our messages (HTTP 401) though it knows the connection and our secret: check both clocks"
                    : verdict.explanation(connection: context.name, peerURL: peerConfig.url)
            default: return "the peer answered HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            }
        } catch {
            return "\(error)"
        }
    }
}
