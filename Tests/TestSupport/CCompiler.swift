import Foundation

/// Builds C fixtures with the system compiler at test time.
public enum CCompiler {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let output: String
        public var description: String { "\(command) failed:\n\(output)" }
    }

    /// Compiles `sources` into the shared library `output` against the ABI header.
    ///
    /// Fixtures leave parts unused on purpose (a table without `call`), so
    /// unused-definition warnings are not errors here.
    @discardableResult
    public static func sharedLibrary(_ sources: [String], output: String, defines: [String] = []) throws -> String {
        let arguments = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
                         "-Wno-unused-const-variable", "-fPIC", "-shared", "-I", TestPaths.pluginHeaders]
            + defines.map { "-D" + $0 } + sources + ["-o", output]
        try compile("cc", arguments)
        return output
    }

    /// Runs a compiler with `arguments`; throws with its output on failure.
    public static func compile(_ compiler: String, _ arguments: [String]) throws {
        let result = try ChildProcess.run("/usr/bin/env", [compiler] + arguments)
        guard result.status == 0 else {
            throw Failure(command: ([compiler] + arguments).joined(separator: " "), output: result.stdout + result.stderr)
        }
    }
}
