import NodeHost
import TandemCLI

/// `tandem restore`: puts a backup back, so that the peers notice.
struct RestoreCommand: Command {
    static let path = ["restore"]
    static let summary = "put a backup back in place of a stopped node's store"
    static let help = """
        Usage: tandem restore --config FILE --from BACKUP

        With the node stopped: checks BACKUP (SQLite quick_check), replaces the
        node's store with it, and moves the store's epoch past every one this
        data folder had. Then start the node and run
        `tandem recover --connection NAME` for each connection: until then the
        peers refuse this node's batches instead of taking its restarted
        sequence numbers for duplicates. See docs/operations.md, "Backup and restore".
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try StoreFileCommand.run(&arguments, file: "--from", doing: "restore") { config, configPath, source in
            let identity = try StoreBackup.restore(dataDir: config.node.dataDir, from: source)
            return "restored \(identity) from \(source); start the node, then run `tandem recover --connection NAME --config \(configPath)` for each of: \(config.connections.keys.sorted().joined(separator: ", "))"
        }
    }
}
