// Commands of this area; each is one file beside this one.
import TandemCLI

let connectorCommands: [any Command.Type] = [
    PluginsCheckCommand.self,
    PluginsNewCommand.self,
]
