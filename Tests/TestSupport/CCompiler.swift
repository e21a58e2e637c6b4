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
    public static func sharedLibrary(_ sources: [String], output: String, defines: [String] = [],
                                     includes: [String] = [], libraries: [String] = []) throws -> String {
        let arguments = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
                         "-Wno-unused-const-variable", "-fPIC", "-shared", "-I", TestPaths.pluginHeaders]
            + includes.flatMap { ["-I", $0] } + defines.map { "-D" + $0 } + sources + ["-o", output]
            + libraries.map { "-l" + $0 }
        try compile("cc", arguments)
        return output
    }

    /// Builds a connector that uses the C SDK (and so cJSON) from `sources`.
    @discardableResult
    public static func sdkConnector(_ sources: [String], output: String, defines: [String] = []) throws -> String {
        try sharedLibrary(sources + [TestPaths.cSDK + "/tandem_sdk.c"], output: output, defines: defines,
                          includes: [TestPaths.cSDK], libraries: ["cjson"])
    }

    /// Builds the C example connector (Examples/CConnector) into `output`.
    @discardableResult
    public static func filestoreExample(output: String) throws -> String {
        try sdkConnector([TestPaths.packageRoot + "/Examples/CConnector/filestore.c"], output: output)
    }

    /// Runs a compiler with `arguments`; throws with its output on failure.
    public static func compile(_ compiler: String, _ arguments: [String]) throws {
        let result = try ChildProcess.run("/usr/bin/env", [compiler] + arguments)
        guard result.status == 0 else {
            throw Failure(command: ([compiler] + arguments).joined(separator: " "), output: result.stdout + result.stderr)
        }
    }
}
