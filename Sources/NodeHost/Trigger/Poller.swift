import Foundation
import TandemJSON
import TandemThreads

/// Polls a connection's tracker for changes (docs/architecture.md, "One replica's path"), for
/// connections whose trigger has `pollSeconds`.
///
/// Each poll asks the connector's `search` for everything matching the
/// trigger query changed since the cursor minus the overlap window, so a
/// change committed while the last poll ran is not missed; repeats are
/// dropped by the `seen` table (id + updated). The notices and the new cursor
/// are committed together.
final class Poller: @unchecked Sendable {
    private let context: ConnectionContext
    private let interval: Double
    private let wake = WorkSignal()
    private let thread: WorkerGroup

    init(context: ConnectionContext, interval: Double) {
        self.context = context
        self.interval = interval
        thread = WorkerGroup(name: "\(context.name).poll")
    }

    func start() { thread.start { [self] _ in loop() } }

    /// Finishes the poll in flight, then returns.
    func stop() { thread.stop(wake: wake.signal) }

    private var isRunning: Bool { thread.isRunning }

    private func loop() {
        var failures = 0
        while isRunning {
            // While the store fails (a full disk), poll only after a growing
            // pause: its commit is also the probe that notices space came back.
            let pauseMs = context.store.faults.pauseMs
            if pauseMs > 0 { wake.wait(timeoutSeconds: Double(pauseMs) / 1000) }
            do {
                let found = try pollOnce()
                if found > 0 { context.work.signal() }
                failures = 0
                wake.wait(timeoutSeconds: interval)
            } catch {
                let delay = context.backoff.delayMs(attempt: failures, retryAfterMs: (error as? PluginCallError)?.retryAfterMs)
                context.logger.warn("poll failed, next try in \(delay) ms: \(error)", connection: context.name)
                failures += 1
                wake.wait(timeoutSeconds: max(Double(delay) / 1000, min(interval, 1)))
            }
        }
    }

    /// One poll; returns the number of new changes noticed.
    @discardableResult
    func pollOnce() throws -> Int {
        let cursor = try context.store.read { try $0.cursor(connection: context.name) }
        let result = try context.instance.call("search", [
            "query": .string(context.config.trigger.query), "cursor": cursor.map(JSON.string) ?? .null,
            "overlapSeconds": .double(context.config.trigger.overlapSeconds),
        ]).json
        let refs = result["refs"]?.arrayValue ?? []
        return try context.store.write { tx in
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
    }
}
