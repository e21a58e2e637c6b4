import TandemCLI

// The command list is assembled from one list per area (see Commands/), so
// each area registers its commands in its own file.
CommandLineTool(name: "tandem", summary: "a sync node for issue trackers",
                commands: foundationCommands + httpCommands + simCommands + scriptCommands + connectorCommands + engineCommands).run()
