import Foundation
import PluginAPI
import Synchronization
import TandemJSON
import TandemRuntime

/// How an instance's plugin runs: inside the node, or in a child process of
/// its own (`tandem plugin-host`) where a crash or a hang costs only the child.
public enum PluginIsolation: String, Sendable {
    case inProcess = "in-process"
    case process
}

/// One instance of a plugin, created from one connection side's config.
///
/// Calls to a plugin that is not thread-safe are serialised by `serial`;
/// thread-safe plugins are called concurrently. In process, the instance is
/// a `NativeInstance`; isolated, an `IsolatedPlugin` forwards each call to
/// its child. Either way a call is recorded in flight by the node's monitor
/// for as long as it runs.
///
/// Thread: call from the node's own worker threads, never from Swift's
/// cooperative pool: a plugin call blocks its thread for a tracker round trip.
public final class PluginInstance: @unchecked Sendable {
    public let plugin: LoadedPlugin
    public let name: String
    public let isolation: PluginIsolation
    private let backend: Backend
    private let serial = Mutex<Void>(())
    /// How long a call may run before it counts as stalled (in process) or
    /// its plugin host is killed (isolated).
    public var timeoutMs: Int64 = 30_000
    /// Records calls in flight and charges crashes to entities; set by the
    /// node before the first call, nil in tools and tests that need neither.
    var monitor: PluginCallMonitor?

    private enum Backend {
        case native(NativeInstance)
        case isolated(IsolatedPlugin)
    }

    /// Creates the instance in this process.
    ///
    /// - Throws: `PluginCallError` with the plugin's reason (for a bad config,
    ///   it names the key).
    public convenience init(plugin: LoadedPlugin, name: String, configuration: JSON, services: HostServices) throws(PluginCallError) {
        try self.init(plugin: plugin, name: name, configuration: configuration, services: services, isolation: .inProcess)
    }

    /// Creates the instance, in a plugin host started from `hostExecutable`
    /// (an executable with the `plugin-host` command) when isolated.
    public init(plugin: LoadedPlugin, name: String, configuration: JSON, services: HostServices, isolation: PluginIsolation,
                hostExecutable: String = PluginInstance.defaultHostExecutable, timeoutMs: Int64 = 30_000) throws(PluginCallError) {
        self.plugin = plugin
        self.name = name
        self.isolation = isolation
        self.timeoutMs = timeoutMs
        switch isolation {
        case .inProcess:
            backend = .native(try NativeInstance(plugin: plugin, name: name, configuration: configuration.serialized(), services: services))
        case .process:
            backend = .isolated(try IsolatedPlugin(plugin: plugin, name: name, configuration: configuration.serialized(),
                                                   services: services, executable: hostExecutable, timeoutMs: timeoutMs))
        }
    }

    /// This executable: it has the `plugin-host` command. `TANDEM_PLUGIN_HOST` names another.
    public static var defaultHostExecutable: String {
        if let named = ProcessInfo.processInfo.environment["TANDEM_PLUGIN_HOST"], !named.isEmpty { return named }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The plugin host's process id, for an isolated instance whose host runs.
    public var pluginHostPID: Int32? {
        if case .isolated(let isolated) = backend { return isolated.childPID }
        return nil
    }

    /// Runs `operation` with JSON in and JSON out.
    ///
    /// An operation the plugin does not declare is refused here and never
    /// reaches the plugin.
    public func call(_ operation: String, _ input: JSON = .object([:]), blob: [UInt8]? = nil) throws(PluginCallError) -> PluginOutput {
        guard plugin.operations.contains(operation) else {
            throw PluginCallError(.unsupported, "\(plugin.id) does not declare operation '\(operation)'; the node will not call it")
        }
        let inputBytes = input.serialized()
        let outcome: Outcome
        switch backend {
        case .native(let native):
            outcome = plugin.isThreadSafe
                ? monitored(native, operation, inputBytes, blob)
                : serial.withLock { _ in monitored(native, operation, inputBytes, blob) }
        case .isolated(let isolated):
            let run = { () throws(PluginCallError) -> Outcome in
                let answer = try isolated.call(operation, inputBytes, blob, timeoutMs: self.timeoutMs, monitor: self.monitor)
                return answer.json.withUnsafeBufferPointer { Self.outcome(answer.status, $0, answer.blob.isEmpty ? nil : answer.blob) }
            }
            outcome = try plugin.isThreadSafe ? run() : serial.withLock { _ throws(PluginCallError) in try run() }
        }
        switch outcome.json {
        case .success(let json): return PluginOutput(json: json, blob: outcome.blob)
        case .failure(let error):
            throw PluginCallError(.internal, "\(plugin.id) answered '\(operation)' with invalid JSON: \(error)")
        case nil:
            throw Self.error(status: outcome.status, body: outcome.errorBody, fallback: "\(plugin.id) failed '\(operation)'")
        }
    }

    /// Calls an operation if the plugin declares it; nil when it does not
    /// (optional operations: `lookup`, `match`, `version`, `user.find`).
    func callIfDeclared(_ operation: String, _ input: JSON) throws(PluginCallError) -> PluginOutput? {
        guard plugin.operations.contains(operation) else { return nil }
        return try call(operation, input)
    }

    /// What came back from one call, read out of the plugin's buffers before they were released.
    private struct Outcome {
        var status: Int32
        /// The parsed output on success; nil on a non-OK status.
        var json: Result<JSON, JSONError>?
        var errorBody: [UInt8]
        var blob: [UInt8]?
    }

    /// A native call, recorded in flight for its whole duration (inside the
    /// serial lock: waiting for another call is not running).
    private func monitored(_ native: NativeInstance, _ operation: String, _ input: [UInt8], _ blob: [UInt8]?) -> Outcome {
        let token = monitor?.begin(plugin: plugin.id, instance: name, operation: operation, timeoutMs: timeoutMs)
        defer { if let token { monitor?.end(token) } }
        return native.invoke(operation, input, blob) { status, json, blob in Self.outcome(status, json, blob) }
    }

    private static func outcome(_ status: Int32, _ json: UnsafeBufferPointer<UInt8>, _ blob: [UInt8]?) -> Outcome {
        guard status == TANDEM_STATUS_OK else { return Outcome(status: status, json: nil, errorBody: Array(json), blob: nil) }
        // Parsed straight from the plugin's buffer: no intermediate copy.
        guard json.count > 0 else { return Outcome(status: status, json: .success(.null), errorBody: [], blob: blob) }
        do throws(JSONError) {
            return Outcome(status: status, json: .success(try JSON(parsing: json)), errorBody: [], blob: blob)
        } catch {
            return Outcome(status: status, json: .failure(error), errorBody: [], blob: blob)
        }
    }

    static func error(status: Int32, body: [UInt8], fallback: String) -> PluginCallError {
        let parsed = try? JSON(parsing: body)
        let message = parsed?["message"]?.stringValue ?? fallback
        let kind = PluginCallError.Kind(rawValue: status) ?? .internal
        let retry = kind == .rateLimited ? Int64(parsed?["retry_after_ms"]?.intValue ?? 1000) : nil
        return PluginCallError(kind, message, retryAfterMs: retry)
    }
}

/// What an operation returned.
public struct PluginOutput: Sendable {
    public let json: JSON
    /// Binary output (attachment bytes), when the operation has any.
    public let blob: [UInt8]?
}
