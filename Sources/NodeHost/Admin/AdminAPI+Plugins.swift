import Foundation
import TandemHTTP
import TandemJSON

/// `GET /admin/v1/plugins`: the plugins a running node loaded for its
/// connections, and which instances and connections use each one; what
/// `tandem plugins list --config FILE` prints. `scanned` lists every file
/// the plugins folder held at start, loaded or refused with the reason.
extension AdminAPI {
    func registerPluginRoutes(on router: Router) {
        let connections = self.connections
        let loaded: [JSON] = loadedPlugins.sorted { $0.file < $1.file }.map { plugin in
            ["file": .string(URL(fileURLWithPath: plugin.file).lastPathComponent), "loaded": true,
             "id": .string(plugin.id), "version": .string(plugin.version)]
        }
        let refused: [JSON] = refusedPlugins.map { line in
            let parts = line.components(separatedBy: ": ")
            return ["file": .string(parts[0]), "loaded": false, "reason": .string(parts.dropFirst().joined(separator: ": "))]
        }
        let scanned = loaded + refused
        router.add("GET", "/admin/v1/plugins") { _ in
            .json(200, ["plugins": .array(Self.pluginsInUse(connections)), "scanned": .array(scanned)])
        }
    }

    /// One object per plugin id, sorted by id; instance and connection names sorted.
    static func pluginsInUse(_ connections: [String: Connection]) -> [JSON] {
        var byID: [String: (plugin: LoadedPlugin, instances: Set<String>, connections: Set<String>)] = [:]
        for (name, connection) in connections {
            let plugin = connection.instance.plugin
            var entry = byID[plugin.id] ?? (plugin, [], [])
            entry.instances.insert(connection.config.instance)
            entry.connections.insert(name)
            byID[plugin.id] = entry
        }
        return byID.keys.sorted().map { id in
            let entry = byID[id]!
            return [
                "id": .string(id), "name": .string(entry.plugin.name), "version": .string(entry.plugin.version),
                "abi": .string(entry.plugin.abi), "runtime": .string(entry.plugin.runtime), "file": .string(entry.plugin.file),
                "operations": .array(entry.plugin.operations.map(JSON.string)),
                "instances": .array(entry.instances.sorted().map(JSON.string)),
                "connections": .array(entry.connections.sorted().map(JSON.string)),
            ]
        }
    }
}
