// Commands of this area; each is one file beside this one.
import TandemCLI

let scriptCommands: [any Command.Type] = [
    ScriptTestCommand.self,
]
