import TandemCLI
import TandemRuntime

/// `tandem version`: what this node is and which plugin ABI and runtime it speaks.
struct VersionCommand: Command {
    static let path = ["version"]
    static let summary = "print the node's version, plugin ABI and Swift runtime"
    static let help = """
        Usage: tandem version

        Prints the Tandem version, the plugin ABI range this node loads and the
        Swift runtime tag a Swift plugin must have been built with.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        try arguments.finish()
        print("tandem \(tandemVersion)")
        print("runtime \(swiftRuntimeTag)")
        return .success
    }
}
