import Foundation
import PluginAPI
import TandemJSON
import TandemTime

/// A plugin instance served by a child process (`isolation: "process"`): a
/// crash or a hang in the plugin takes down only the child.
///
/// A call whose child dies fails as transient, is charged to its entity like
/// a crash of the node itself (`PluginCallMonitor`), and the child is started
/// again on the next call, after a backoff that grows with consecutive
/// deaths (100 ms doubling to 30 s; a call that returns resets it). A call
/// that outlives `timeoutMs` kills the child: its death is charged the same way.
///
/// Calls to a plugin that is not thread-safe are serialised by the caller
/// (`PluginInstance`), so at most one is in the child when it dies and the
/// charge is exact; with a thread-safe plugin every call in flight is charged.
///
/// Thread: any.
final class IsolatedPlugin: @unchecked Sendable {
    static let backoff = Backoff(baseMs: 100, capMs: 30_000)
    let plugin: LoadedPlugin
    let name: String
    private let configuration: [UInt8]
    private let services: HostServices
    private let executable: String
    private let lock = NSLock()
    private var child: PluginHostProcess?
    private var deaths = 0
    private var notBefore: Int64 = 0

    /// Starts the child and creates the instance in it; throws the plugin's reason.
    init(plugin: LoadedPlugin, name: String, configuration: [UInt8], services: HostServices, executable: String,
         timeoutMs: Int64) throws(PluginCallError) {
        self.plugin = plugin
        self.name = name
        self.configuration = configuration
        self.services = services
        self.executable = executable
        child = try spawn(timeoutMs: timeoutMs)
    }

    /// The child's process id, while one runs.
    var childPID: pid_t? { lock.withLock { child?.pid } }

    /// Runs one operation in the child; the outcome as the plugin gave it.
    func call(_ operation: String, _ input: [UInt8], _ blob: [UInt8]?, timeoutMs: Int64,
              monitor: PluginCallMonitor?) throws(PluginCallError) -> (status: Int32, json: [UInt8], blob: [UInt8]) {
        let child = try running(timeoutMs: timeoutMs)
        let token = monitor?.begin(plugin: plugin.id, instance: name, operation: operation, timeoutMs: timeoutMs, isolated: true)
        let what: String
        do {
            let answer = try child.channel.request(operation, json: input, blob: blob ?? [], timeoutMs: timeoutMs)
            if let token { monitor?.end(token) }
            lock.withLock { deaths = 0 }
            return (answer.status, answer.json, answer.blob)
        } catch {
            switch error {
            case .timedOut:
                child.kill()
                child.waitForExit()
                what = "timed out after \(timeoutMs) ms (its plugin host was killed)"
            case .closed:
                what = PluginHostProcess.describe(child.waitForExit())
            }
        }
        if let token { monitor?.died(token, what: what) }
        let delay = gone(child)
        let message = "plugin \(plugin.id) \(what) during \(operation); its plugin host restarts in \(delay) ms"
        services.log(name, Int32(TANDEM_LOG_ERROR), message)
        throw PluginCallError(.transient, message)
    }

    /// The running child, or a new one once the backoff after the last death has passed.
    private func running(timeoutMs: Int64) throws(PluginCallError) -> PluginHostProcess {
        lock.lock()
        defer { lock.unlock() }
        if let child { return child }
        let wait = notBefore - Timestamp.now()
        guard wait <= 0 else {
            throw PluginCallError(.transient, "the plugin host of \(plugin.id) restarts in \(wait) ms after \(deaths) death(s) in a row")
        }
        let started = try spawn(timeoutMs: timeoutMs)
        child = started
        return started
    }

    /// Forgets a dead child (once, whichever call noticed first); returns the backoff before the next.
    private func gone(_ dead: PluginHostProcess) -> Int64 {
        lock.withLock {
            if child === dead {
                child = nil
                notBefore = Timestamp.now() + Self.backoff.delayMs(attempt: deaths)
                deaths += 1
            }
            return max(0, notBefore - Timestamp.now())
        }
    }

    private func spawn(timeoutMs: Int64) throws(PluginCallError) -> PluginHostProcess {
        let services = self.services, name = self.name
        let process = try PluginHostProcess(executable: executable, pluginPath: plugin.file) { frame in
            services.answer(frame, instance: name)
        }
        do {
            let answer = try process.channel.request(PluginFrame.createInstance, json: configuration, timeoutMs: max(timeoutMs, 10_000))
            guard answer.status == TANDEM_STATUS_OK else {
                throw PluginInstance.error(status: answer.status, body: answer.json,
                                           fallback: "\(plugin.id) refused to create instance '\(name)'")
            }
            return process
        } catch let failure as FrameChannel.Failure {
            let what = failure == .timedOut ? "did not start in time" : PluginHostProcess.describe(process.waitForExit())
            throw PluginCallError(.transient, "the plugin host of \(plugin.id) \(what) while creating instance '\(name)'")
        } catch {
            throw error as! PluginCallError
        }
    }

    deinit { child?.channel.close() }
}
