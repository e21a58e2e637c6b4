import Foundation
import PluginAPI
import Synchronization
import TandemJSON

/// The plugin-host side (`tandem plugin-host`): loads one plugin and serves
/// one instance of it to the node over an inherited socket.
///
/// The first request is `tandem.create-instance` with the instance config; every later one is
/// an operation, answered with the plugin's status, JSON and blob as they
/// came. Host services the plugin calls go back to the node as requests. The
/// process exits when the node closes the socket (or dies).
public enum PluginHostServer {
    /// Serves until the node goes away; returns only on a start-up failure, with its reason.
    /// `doorbell`: the read end of the pipe the node rings when it sends a
    /// request while others are in flight; without it, requests run one at a time.
    public static func run(pluginPath: String, fd: Int32, doorbell: Int32?) -> String {
        closeInheritedDescriptors(keeping: [fd] + (doorbell.map { [$0] } ?? []))
        let plugin: LoadedPlugin
        switch PluginLoader().load(path: pluginPath) {
        case .success(let loaded): plugin = loaded
        case .failure(let refusal): return "cannot load \(pluginPath): \(refusal)"
        }
        let session = Session(plugin: plugin)
        let channel = FrameChannel(fd: fd, reading: .workers(doorbell: plugin.isThreadSafe ? doorbell : nil), handler: { session.handle($0) },
                                   onClose: { exit(0) })
        session.channel.withLock { $0 = channel }
        channel.start(name: "tandem.plugin-host.reader")
        while true { pause() }
    }

    /// Closes every descriptor above stderr except `kept`: what the node had
    /// open without close-on-exec (sockets, files) is none of the plugin's business.
    static func closeInheritedDescriptors(keeping kept: [Int32]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for name in names {
            guard let number = Int32(name), number > 2, !kept.contains(number) else { continue }
            close(number)
        }
    }

    private final class Session: @unchecked Sendable {
        let plugin: LoadedPlugin
        let channel = Mutex<FrameChannel?>(nil)
        let instance = Mutex<NativeInstance?>(nil)
        /// Guards calls to a plugin that is not thread-safe (the node sends them one at a time anyway).
        let serial = Mutex<Void>(())

        init(plugin: LoadedPlugin) { self.plugin = plugin }

        func handle(_ frame: PluginFrame) -> PluginFrame? {
            if frame.operation == PluginFrame.createInstance { return create(frame) }
            guard let native = instance.withLock({ $0 }) else {
                return failure(frame, TANDEM_STATUS_INTERNAL, "no instance: `\(PluginFrame.createInstance)` must come first")
            }
            let run = { native.invoke(frame.operation, frame.json, frame.blob.isEmpty ? nil : frame.blob) { status, json, blob in
                PluginFrame(id: frame.id, kind: .response, status: status, json: Array(json), blob: blob ?? [])
            } }
            return plugin.isThreadSafe ? run() : serial.withLock { _ in run() }
        }

        private func create(_ frame: PluginFrame) -> PluginFrame {
            let services = HostServices.remote(over: { [self] in channel.withLock { $0 } })
            do {
                let native = try NativeInstance(plugin: plugin, name: "hosted", configuration: frame.json, services: services)
                instance.withLock { $0 = native }
                return PluginFrame(id: frame.id, kind: .response)
            } catch {
                return failure(frame, error.kind.rawValue, error.message)
            }
        }

        private func failure(_ frame: PluginFrame, _ status: Int32, _ message: String) -> PluginFrame {
            PluginFrame(id: frame.id, kind: .response, status: status, json: JSON.object(["message": .string(message)]).serialized())
        }
    }
}
