import Foundation
import Synchronization
import TandemJSON
import TandemTime

/// Watches every plugin call of a node: records it in flight (`InFlightCalls`),
/// charges the entity when a call dies with its process, parks an entity whose
/// calls died `deathLimit` times in a row, and reports calls that outlive
/// their instance's timeout.
///
/// A death is charged to the call's lane (`CallSite`); a call that returns,
/// whatever its status, clears the lane's count, so only deaths in a row
/// park. Parking clears the count too: `tandem errors retry` gives the entity
/// a fresh set of chances. Calls made outside a work item (a poll's `search`)
/// have no lane: their deaths are logged, never charged.
///
/// Thread: any.
final class PluginCallMonitor: @unchecked Sendable {
    static let deathLimit = 3

    let calls: InFlightCalls
    private let store: Store
    private let logger: Logger
    private let metrics: Metrics
    /// Lanes with a death charged ("connection\0lane"): the only ones a returning call must clear in the store.
    private let charged = Mutex<Set<String>>([])

    init(calls: InFlightCalls, store: Store, logger: Logger, metrics: Metrics) throws {
        self.calls = calls
        self.store = store
        self.logger = logger
        self.metrics = metrics
        let lanes = try store.read { try $0.lanesWithPluginDeaths() }
        charged.withLock { $0 = Set(lanes.map { $0.0 + "\u{0}" + $0.1 }) }
    }

    /// A call is about to enter the plugin; pass the token to `end` when it returns.
    func begin(plugin: String, instance: String, operation: String, timeoutMs: Int64, isolated: Bool = false) -> Token {
        let call = RunningCall(plugin: plugin, instance: instance, operation: operation, site: CallSite.current,
                               startedMs: Timestamp.now(), timeoutMs: timeoutMs, isolated: isolated)
        return Token(slot: calls.begin(call), call: call)
    }

    /// The plugin returned (any status): the call no longer counts as in flight,
    /// and its lane's deaths are forgiven.
    func end(_ token: Token) {
        if let slot = token.slot { calls.end(slot) }
        guard let site = token.call.site else { return }
        let key = site.connection + "\u{0}" + site.lane
        guard charged.withLock({ $0.contains(key) }) else { return }
        do {
            try store.write { try $0.clearPluginDeaths(connection: site.connection, lane: site.lane) }
            _ = charged.withLock { $0.remove(key) }
        } catch {
            logger.error("cannot clear the plugin deaths of \(site.entity): \(error)", connection: site.connection, entity: site.entity)
        }
    }

    /// The call's process died (a plugin host crashed or was killed): the
    /// call is over and its death is charged. `what` says how, e.g. "crashed (SIGSEGV)".
    func died(_ token: Token, what: String) {
        if let slot = token.slot { calls.end(slot) }
        charge(plugin: token.call.plugin, operation: token.call.operation, site: token.call.site, what: what)
    }

    /// Charges the calls the previous process was running when it died. Run at
    /// start, before any worker takes an item, so a parked lane is never offered.
    func chargeInterrupted() {
        for call in calls.interrupted {
            guard call.chargesEntity else {
                logger.warn("plugin \(call.plugin) \(call.what) during \(call.operation)\(call.site.map { " of " + $0.entity } ?? ""); not charged to any entity",
                            connection: call.site?.connection)
                continue
            }
            charge(plugin: call.plugin, operation: call.operation, site: call.site, what: call.what)
        }
    }

    private func charge(plugin: String, operation: String, site: CallSite?, what: String) {
        let cause = what.hasPrefix("crashed") ? "crashed" : what.hasPrefix("timed out") ? "timeout" : "died"
        metrics.increment("tandem_plugin_deaths_total", ["plugin": plugin, "cause": cause])
        guard let site else {
            logger.error("plugin \(plugin) \(what) during \(operation)")
            return
        }
        let reason = "plugin \(plugin) \(what) during \(operation) of \(site.entity)"
        do {
            let parked: Int64? = try store.write { tx in
                let deaths = try tx.chargePluginDeath(connection: site.connection, lane: site.lane, entity: site.entity, reason: reason)
                logger.error("\(reason) (\(deaths) of \(Self.deathLimit) in a row before the entity is parked)",
                             connection: site.connection, entity: site.entity, ["plugin": .string(plugin), "operation": .string(operation)])
                guard deaths >= Self.deathLimit else { return nil }
                try tx.clearPluginDeaths(connection: site.connection, lane: site.lane)
                return try tx.park(connection: site.connection, lane: site.lane, entity: site.entity, stage: "plugin",
                                   reason: "\(reason), \(deaths) times in a row; other entities keep syncing. Fix or update the plugin, then `tandem errors retry ID`")
            }
            let key = site.connection + "\u{0}" + site.lane
            if let parked {
                _ = charged.withLock { $0.remove(key) }
                logger.error("parked #\(parked): \(reason), \(Self.deathLimit) times in a row", connection: site.connection, entity: site.entity)
            } else {
                _ = charged.withLock { $0.insert(key) }
            }
        } catch {
            logger.error("cannot record that \(reason): \(error)", connection: site.connection, entity: site.entity)
        }
    }

    /// One call in flight, as `begin` recorded it.
    struct Token: Sendable {
        let slot: Int?
        let call: RunningCall
    }
}
