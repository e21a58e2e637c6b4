import Foundation
import NodeHost
import TandemHTTP
import TandemJSON

/// What the checker needs to talk to a plugin: its file, the instance
/// configuration, and the checker's own settings taken out of the config file.
///
/// The config file is the instance configuration the node would pass; an
/// optional member `"conformance"` is removed before the instance sees it:
/// `{"createFields": {…}, "updateFields": {…}, "searchQuery": "…", "unknownId": "…"}`.
/// `{"secret": NAME}` values are read from the environment variable NAME.
struct ConformanceSetup: Sendable {
    let pluginPath: String
    let configuration: JSON
    let settings: JSON

    enum LoadError: Error, CustomStringConvertible {
        case unusable(String)
        var description: String { if case .unusable(let text) = self { return text }; return "" }
    }

    static func read(pluginPath: String, configPath: String) throws(LoadError) -> ConformanceSetup {
        guard FileManager.default.isReadableFile(atPath: pluginPath) else {
            throw .unusable("cannot read plugin file '\(pluginPath)'; pass the path of a built .so (run `make plugins`)")
        }
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw .unusable("cannot read config file '\(configPath)'; pass --config with the instance configuration JSON")
        }
        let json: JSON
        do { json = try JSON(parsing: [UInt8](data)) } catch {
            throw .unusable("config file '\(configPath)' is not JSON: \(error)")
        }
        guard var members = json.objectValue else {
            throw .unusable("config file '\(configPath)' must hold a JSON object (the instance configuration)")
        }
        let settings = members.removeValue(forKey: "conformance") ?? .object([:])
        // Absolute, so that a bare file name is opened as a file (dlopen searches
        // the library path for names without a slash) and child processes agree.
        let absolute = URL(fileURLWithPath: pluginPath).standardizedFileURL.path
        return ConformanceSetup(pluginPath: absolute, configuration: .object(members), settings: settings)
    }

    /// Loads the plugin the way the node does.
    func load() throws(LoadError) -> LoadedPlugin {
        switch PluginLoader().load(path: pluginPath) {
        case .success(let plugin): return plugin
        case .failure(let refusal): throw .unusable("the loader refused \(pluginPath): \(refusal)")
        }
    }

    /// An instance with `configuration` and a real HTTP service for its `baseUrl`
    /// (none when the config has no base URL: such plugins make no requests).
    func instance(_ plugin: LoadedPlugin, configuration: JSON? = nil) throws(PluginCallError) -> PluginInstance {
        let config = configuration ?? self.configuration
        let base = config["baseUrl"]?.stringValue
        let http = base.map { TrackerHTTPService(baseUrl: $0, client: HTTPClient(), defaultTimeoutMs: 20_000) }
        let services = HostServices(
            log: { _, _, _ in },
            http: { request in http?.perform(request) ?? .failure(.notAllowed("the configuration has no baseUrl")) },
            secret: { name in ProcessInfo.processInfo.environment[name] },
            nowMs: { Int64(Date().timeIntervalSince1970 * 1000) })
        return try PluginInstance(plugin: plugin, name: "conformance", configuration: config, services: services)
    }

    /// The same configuration with a credential that cannot be right, or nil without `auth`.
    var badCredentialConfiguration: JSON? {
        guard var auth = configuration["auth"]?.objectValue else { return nil }
        switch auth["type"]?.stringValue {
        case "basic": auth["password"] = "tandem-conformance-wrong-password"
        case "bearer": auth["token"] = "tandem-conformance-wrong-token"
        case "oauth": auth["clientSecret"] = "tandem-conformance-wrong-secret"
        default: return nil
        }
        var copy = configuration
        copy["auth"] = .object(auth)
        return copy
    }
}
