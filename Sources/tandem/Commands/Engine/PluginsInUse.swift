import TandemCLI
import TandemJSON

/// `tandem plugins list --config FILE`: the plugins a running node loaded and
/// which of its instances and connections use each (GET /admin/v1/plugins).
enum PluginsInUse {
    static func list(configuration: String, json: Bool) throws -> ExitCode {
        var arguments = Arguments(["--config", configuration])
        let client = try AdminClient.from(&arguments)
        let plugins = try client.send("GET", "/admin/v1/plugins")["plugins"]?.arrayValue ?? []
        if json {
            print(JSON.array(plugins).text)
        } else if plugins.isEmpty {
            print("the node uses no plugins (it has no connections)")
        } else {
            func names(_ plugin: JSON, _ key: String) -> String {
                (plugin[key]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
            }
            print(Table(header: ["ID", "VERSION", "ABI", "RUNTIME", "INSTANCES", "CONNECTIONS", "FILE"], rows: plugins.map { plugin in
                [plugin["id"]?.stringValue ?? "?", plugin["version"]?.stringValue ?? "?", plugin["abi"]?.stringValue ?? "?",
                 plugin["runtime"]?.stringValue ?? "?", names(plugin, "instances"), names(plugin, "connections"),
                 plugin["file"]?.stringValue ?? "?"]
            }).rendered)
        }
        return .success
    }
}
