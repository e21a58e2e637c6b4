import NodeHost
import TandemCLI

/// `tandem plugin-host`: serves one plugin instance to the node that started
/// it, over an inherited socket. Not for people: the node runs it for each
/// instance configured with `"isolation": "process"`.
struct PluginHostCommand: Command {
    static let path = ["plugin-host"]
    static let summary = "serve one isolated plugin instance to its node (started by the node)"
    static let isHidden = true
    static let help = """
        Usage: tandem plugin-host --plugin FILE --fd N [--doorbell M]

        Started by a node for an instance with "isolation": "process": loads
        the plugin FILE and serves one instance of it over the socket N that
        the node passed down, until the node closes it. M: the read end of the
        pipe the node writes to when it sends a request while others are in
        flight (a thread-safe plugin then answers them side by side). A crash here costs the
        node only this process. See docs/operations.md, "Plugin isolation".
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let plugin = try arguments.option("--plugin") else { throw CommandError.usage("missing --plugin FILE") }
        let fd = try arguments.intOption("--fd", in: 3...65_535) ?? 3
        let doorbell = try arguments.intOption("--doorbell", in: 3...65_535)
        try arguments.finish()
        throw CommandError(PluginHostServer.run(pluginPath: plugin, fd: Int32(fd), doorbell: doorbell.map(Int32.init)))
    }
}
