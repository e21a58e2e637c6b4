// Commands of this area; each is one file beside this one.
import TandemCLI

let foundationCommands: [any Command.Type] = [
    VersionCommand.self,
    PluginsListCommand.self,
]
