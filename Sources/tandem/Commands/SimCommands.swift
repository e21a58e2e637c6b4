// Commands of this area; each is one file beside this one.
import TandemCLI

let simCommands: [any Command.Type] = [
    SimJiraCommand.self,
    SimServiceNowCommand.self,
]
