import NodeHost
import TandemCLI

/// What `tandem backup` and `tandem restore` share: `--config FILE` and one
/// more required file option, the configuration loaded, then one operation
/// on the store whose failure is said as "cannot <doing>: <reason>".
enum StoreFileCommand {
    /// Runs `body(config, configPath, file)` and prints the line it returns.
    static func run(_ arguments: inout Arguments, file option: String, doing: String,
                    _ body: (NodeConfig, String, String) throws -> String) throws -> ExitCode {
        guard let configPath = try arguments.option("--config") else { throw CommandError.usage("missing --config FILE") }
        guard let file = try arguments.option(option) else { throw CommandError.usage("missing \(option) BACKUP") }
        try arguments.finish()
        let config: NodeConfig
        do { config = try NodeConfig.load(path: configPath) } catch {
            throw CommandError("configuration \(configPath): \(error)", exitCode: .validationFailure)
        }
        do {
            print(try body(config, configPath, file))
        } catch {
            throw CommandError("cannot \(doing): \(error)")
        }
        return .success
    }
}
