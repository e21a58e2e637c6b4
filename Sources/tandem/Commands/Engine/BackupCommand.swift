import NodeHost
import TandemCLI

/// `tandem backup`: a consistent copy of a node's store.
struct BackupCommand: Command {
    static let path = ["backup"]
    static let summary = "write a consistent copy of a node's store (safe while it runs)"
    static let help = """
        Usage: tandem backup --config FILE --to BACKUP

        Writes a snapshot of the node's store (dataDir/tandem.db) to the new
        file BACKUP, consistent as of the last commit, while the node runs or
        not. Put it back with `tandem restore` (never by copying the file: the
        peers must learn that the store went back in time).
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try StoreFileCommand.run(&arguments, file: "--to", doing: "back up") { config, _, target in
            "backed up \(try StoreBackup.backup(dataDir: config.node.dataDir, to: target)) to \(target)"
        }
    }
}
