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
        guard let configPath = try arguments.option("--config") else { throw CommandError.usage("missing --config FILE") }
        guard let source = try arguments.option("--from") else { throw CommandError.usage("missing --from BACKUP") }
        try arguments.finish()
        let config: NodeConfig
        do { config = try NodeConfig.load(path: configPath) } catch {
            throw CommandError("configuration \(configPath): \(error)", exitCode: .validationFailure)
        }
        do {
            let identity = try StoreBackup.restore(dataDir: config.node.dataDir, from: source)
            print("restored \(identity) from \(source); start the node, then run `tandem recover --connection NAME --config \(configPath)` for each of: \(config.connections.keys.sorted().joined(separator: ", "))")
        } catch {
            throw CommandError("cannot restore: \(error)")
        }
        return .success
    }
}
