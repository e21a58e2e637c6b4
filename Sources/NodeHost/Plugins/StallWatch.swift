import Foundation
import Synchronization
import TandemJSON
import TandemThreads
import TandemTime

/// Notices plugin calls in the node that run longer than their instance's
/// `timeoutMs`: such a call cannot be interrupted (it is the plugin's code on
/// a node thread), so the node says so instead: one error line naming the
/// plugin, operation and entity, the `tandem_plugin_stalled_calls` gauge, and
/// `/readyz` not ready with the reason, until the call returns.
///
/// Isolated calls are left out: their plugin host is killed at the timeout.
///
/// Thread: one watcher thread; `reasons` from any.
final class StallWatch: @unchecked Sendable {
    static let intervalSeconds = 0.5
    private let calls: InFlightCalls
    private let logger: Logger
    private let metrics: Metrics
    private let stalled = Mutex<[Int: RunningCall]>([:])
    private let wake = WorkSignal()
    private let threads = WorkerGroup(name: "tandem.stall-watch")

    init(calls: InFlightCalls, logger: Logger, metrics: Metrics) {
        self.calls = calls
        self.logger = logger
        self.metrics = metrics
        metrics.addGaugeSource { [weak self] in
            [("tandem_plugin_stalled_calls", [:], Double(self?.stalled.withLock { $0.count } ?? 0))]
        }
    }

    func start() {
        threads.start { [self] _ in
            while true {
                // Marked before the check of the flag: a stop after it ends the wait at once.
                let mark = wake.mark()
                guard threads.isRunning else { return }
                check(now: Timestamp.now())
                wake.wait(since: mark, timeoutSeconds: Self.intervalSeconds)
            }
        }
    }

    /// Stops and joins the watch (a check takes no plugin call: it is prompt).
    func stop() {
        threads.stop { wake.signal() }
    }

    /// One line per stalled call, for `/readyz`.
    var reasons: [String] {
        let now = Timestamp.now()
        return stalled.withLock { $0.values.map { Self.describe($0, now: now) } }.sorted()
    }

    func check(now: Int64) {
        let over = calls.runningCalls.filter { !$0.value.isolated && now - $0.value.startedMs > $0.value.timeoutMs }
        let (started, ended) = stalled.withLock { known -> ([RunningCall], [RunningCall]) in
            let started = over.filter { known[$0.key] != $0.value }.map(\.value)
            let ended = known.filter { over[$0.key] != $0.value }.map(\.value)
            known = over
            return (started, ended)
        }
        for call in started {
            metrics.increment("tandem_plugin_stalls_total", ["plugin": call.plugin, "operation": call.operation])
            logger.error(Self.describe(call, now: now) + "; the node cannot interrupt it: fix the tracker or plugin, or set \"isolation\": \"process\" on instance '\(call.instance)' so that such calls are killed",
                         connection: call.site?.connection, entity: call.site?.entity,
                         ["plugin": .string(call.plugin), "operation": .string(call.operation), "instance": .string(call.instance)])
        }
        for call in ended {
            logger.warn("plugin \(call.plugin) returned from \(call.operation)\(call.site.map { " of " + $0.entity } ?? "") after \(now - call.startedMs) ms",
                        connection: call.site?.connection, entity: call.site?.entity)
        }
    }

    static func describe(_ call: RunningCall, now: Int64) -> String {
        "plugin \(call.plugin) stalled: \(call.operation)\(call.site.map { " of " + $0.entity } ?? "") on instance '\(call.instance)' has run for \(now - call.startedMs) ms, over its timeout of \(call.timeoutMs) ms"
    }
}
