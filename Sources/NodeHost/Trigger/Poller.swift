import Foundation
import TandemJSON
import TandemThreads

/// Polls a connection's tracker for changes (docs/architecture.md, "One replica's path"), for
/// connections whose trigger has `pollSeconds`.
///
/// A poll follows the connector's `search` cursor page by page (`pageSize`
/// refs a call, at most `pagesPerPoll` calls): the cursor is a position in the
/// tracker's `(updated, id)` order, so a page full of changes with the same
/// `updated` still moves it on. Each page's notices and its cursor are
/// committed together. Once the connector reports it caught up, the next poll
/// starts a new sweep `overlapSeconds` before the last position, so a change
/// committed late with an earlier `updated` is not missed; repeats are dropped
/// by the `seen` table (id + updated). A poll cut short by `pagesPerPoll` goes
/// on at once from where it stopped.
final class Poller: @unchecked Sendable {
    private let context: ConnectionContext
    private let instance: PluginInstance
    private let trigger: NodeConfig.Trigger
    private let interval: Double
    private let backoff = Backoff()
    private let wake = WorkSignal()
    let threads: WorkerGroup

    /// Nil when the trigger does not poll (no `pollSeconds`).
    init?(context: ConnectionContext, instance: PluginInstance, trigger: NodeConfig.Trigger) {
        guard let interval = trigger.pollSeconds else { return nil }
        self.context = context
        self.instance = instance
        self.trigger = trigger
        self.interval = interval
        threads = WorkerGroup(name: "tandem.\(context.name).poller")
    }

    func start() {
        threads.start { [self] _ in loop() }
    }

    /// Asks the poller to stop; a poll in flight stops after the page in hand.
    func requestStop() {
        threads.requestStop()
        wake.signal()
    }

    private var isRunning: Bool { threads.isRunning }

    private func loop() {
        var failures = 0
        while isRunning {
            // While the store fails (a full disk), poll only after a growing
            // pause: its commit is also the probe that notices space came back.
            // Taken before the pause and the poll: a stop requested meanwhile ends the wait at once.
            let mark = wake.mark()
            let pauseMs = context.store.faults.pauseMs
            if pauseMs > 0 {
                wake.wait(since: mark, timeoutSeconds: Double(pauseMs) / 1000)
                guard isRunning else { break }
            }
            do {
                let poll = try pollOnce()
                if poll.noticed > 0 { context.work.signal() }
                failures = 0
                if poll.caughtUp { wake.wait(since: mark, timeoutSeconds: interval) }
            } catch {
                let delay = backoff.delayMs(attempt: failures, retryAfterMs: (error as? PluginCallError)?.retryAfterMs)
                context.logger.warn("poll failed, next try in \(delay) ms: \(error)", connection: context.name)
                failures += 1
                wake.wait(since: mark, timeoutSeconds: max(Double(delay) / 1000, min(interval, 1)))
            }
        }
    }

    struct Poll: Equatable {
        /// New changes noticed.
        var noticed: Int
        /// The connector reported no more results after the last page.
        var caughtUp: Bool
    }

    /// One poll: up to `pagesPerPoll` search calls, each committed with its cursor.
    @discardableResult
    func pollOnce() throws -> Poll {
        var poll = Poll(noticed: 0, caughtUp: false)
        for _ in 0..<trigger.pagesPerPoll where isRunning {
            let cursor = try context.store.read { try $0.cursor(connection: context.name) }
            let result = try instance.call("search", [
                "query": .string(trigger.query), "cursor": cursor.map(JSON.string) ?? .null,
                "overlapSeconds": .double(trigger.overlapSeconds), "limit": .int(Int64(trigger.pageSize)),
            ]).json
            let refs = result["refs"]?.arrayValue ?? []
            poll.noticed += try context.store.write { tx in
                var noticed = 0
                for ref in refs {
                    guard let id = ref["id"]?.stringValue else { continue }
                    let updated = ref["updated"]?.stringValue ?? ref["updatedMs"].map(\.text) ?? ""
                    if try tx.markSeen(connection: context.name, localID: id, updated: updated) {
                        try tx.notePending(connection: context.name, localID: id, localKey: ref["key"]?.stringValue, source: "poll")
                        noticed += 1
                    }
                }
                if let next = result["cursor"]?.stringValue { try tx.setCursor(connection: context.name, cursor: next) }
                return noticed
            }
            // A connector that does not report `more` hands over everything in one call.
            if result["more"]?.boolValue != true {
                poll.caughtUp = true
                break
            }
            if poll.noticed > 0 { context.work.signal() }
        }
        return poll
    }
}
