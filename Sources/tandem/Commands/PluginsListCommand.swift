import NodeHost
import TandemCLI
import TandemJSON

/// `tandem plugins list`: what is in the plugins folder and what the node
/// would do with each file.
struct PluginsListCommand: Command {
    static let path = ["plugins", "list"]
    static let summary = "list the plugins in a folder: loaded or refused, and why"
    static let help = """
        Usage: tandem plugins list [--dir DIR] [--json]
               tandem plugins list --config FILE [--json]

        Loads every *.so file in DIR (default: plugins.d) the way the node does
        and prints one row per file: file, status (loaded or refused), id,
        version, ABI, runtime (c, or swift-X.Y.Z), operations, and the reason
        when refused. Refusals are reported, not fatal.

        With --config, asks the running node of that configuration instead:
        one row per plugin it loaded for its connections, with the instances
        and connections that use it (JSON keys: id, name, version, abi,
        runtime, file, operations, instances, connections).

        Options:
          --dir DIR       the plugins folder (default: plugins.d)
          --config FILE   a running node's configuration (not with --dir)
          --json          print a JSON array of objects with the keys file, status,
                          id, version, abi, runtime, operations, reason

        Exit status: 0 when the folder could be read, 2 when it could not.
        Run `make plugins` first to build the bundled plugins into plugins.d.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let chosenDirectory = try arguments.option("--dir")
        let configuration = try arguments.option("--config")
        let json = arguments.flag("--json")
        try arguments.finish()
        if let configuration {
            guard chosenDirectory == nil else { throw CommandError.usage("give --dir or --config, not both") }
            return try PluginsInUse.list(configuration: configuration, json: json)
        }
        let directory = chosenDirectory ?? "plugins.d"
        let entries: [PluginScanEntry]
        do {
            entries = try PluginLoader().scan(directory: directory)
        } catch {
            throw CommandError("\(error); pass --dir with the folder that holds the .so files, or run `make plugins`",
                               exitCode: .validationFailure)
        }
        let rows = entries.map(PluginRow.init)
        if json {
            print(JSON.array(rows.map(\.json)).text)
        } else if rows.isEmpty {
            print("no plugins (*.so) in \(directory); run `make plugins` to build the bundled ones")
        } else {
            print(Table(header: ["FILE", "STATUS", "ID", "VERSION", "ABI", "RUNTIME", "OPERATIONS / REASON"],
                        rows: rows.map(\.cells)).rendered)
        }
        return .success
    }
}

/// One row of the listing, shared by the table and the JSON output.
struct PluginRow {
    let file: String
    let plugin: LoadedPlugin?
    let reason: String?

    init(_ entry: PluginScanEntry) {
        file = entry.file
        switch entry.outcome {
        case .success(let plugin): self.plugin = plugin; reason = nil
        case .failure(let refusal): plugin = nil; reason = refusal.description
        }
    }

    var status: String { plugin == nil ? "refused" : "loaded" }

    var json: JSON {
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        return .object([
            "file": .string(file), "status": .string(status),
            "id": text(plugin?.id), "version": text(plugin?.version), "abi": text(plugin?.abi),
            "runtime": text(plugin?.runtime),
            "operations": plugin.map { .array($0.operations.map(JSON.string)) } ?? .null,
            "reason": text(reason),
        ])
    }

    var cells: [String] {
        [file, status, plugin?.id ?? "-", plugin?.version ?? "-", plugin?.abi ?? "-", plugin?.runtime ?? "-",
         plugin.map { $0.operations.joined(separator: ",") } ?? reason ?? ""]
    }
}
