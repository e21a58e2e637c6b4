// Commands of this area; each is one file in Engine/.
import TandemCLI

let engineCommands: [any Command.Type] = [
    RunCommand.self,
    SyncCommand.self,
    ErrorsListCommand.self,
    ErrorsRetryCommand.self,
    ErrorsResolveCommand.self,
    ConnectCommand.self,
    UnsyncCommand.self,
    DemoCommand.self,
    StatusCommand.self,
    PluginHostCommand.self,
    RecoverCommand.self,
    BackupCommand.self,
    RestoreCommand.self,
    ReloadCommand.self,
    HistoryCommand.self,
    ConfigCheckCommand.self,
    EntityGetCommand.self,
    ConnectionsPauseCommand.self,
    ConnectionsResumeCommand.self,
]
