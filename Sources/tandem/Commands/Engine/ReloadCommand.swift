import Foundation
import NodeHost
import TandemCLI
import TandemJSON

/// `tandem reload`: a running node re-reads its configuration and plugins folder.
struct ReloadCommand: Command {
    static let path = ["reload"]
    static let summary = "apply a changed configuration and new plugins to a running node, without a restart"
    static let help = """
        Usage: tandem reload --config FILE [--json]

        Asks the running node (found through FILE) to read FILE and its plugins
        folder again, as SIGHUP does. New plugin files are loaded; connections
        and instances are added, removed or changed; connections that did not
        change keep running with their queued work untouched; a removed
        connection's queues stay in the store. All or nothing: an invalid new
        configuration (a plugin that is not there, a config the plugin refuses,
        a script that does not parse) is refused whole with its reason and the
        node keeps running the old one. A changed file of a plugin already
        loaded is not loaded (libraries are never unloaded): the answer says
        "restart needed for plugin X". Changed "node" settings need a restart.

        Options:
          --config FILE   the node's configuration (default: $TANDEM_CONFIG)
          --json          print the node's answer: {"added","removed","changed",
                          "unchanged","pluginsLoaded","restartNeeded"}

        Exit status: 0 when applied, 1 when the node refused it (nothing changed).
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let answer = try AdminClient.answer("POST", "/admin/v1/reload", &arguments) else { return .success }
        for key in ["added", "removed", "changed", "unchanged"] {
            let names = answer[key]?.arrayValue?.compactMap(\.stringValue) ?? []
            if !names.isEmpty { print("\(key): \(names.joined(separator: ", "))") }
        }
        let loaded = answer["pluginsLoaded"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if !loaded.isEmpty { print("plugins loaded: \(loaded.joined(separator: ", "))") }
        for line in answer["restartNeeded"]?.arrayValue?.compactMap(\.stringValue) ?? [] { print(line) }
        return .success
    }
}
