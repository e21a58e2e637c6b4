import TestSupport

/// Builds fixture plugins from Tests/Fixtures/plugins/fixture_plugin.c.
enum FixturePlugins {
    /// Compiles the fixture with `defines` into `folder/name`.
    @discardableResult
    static func build(_ name: String, _ defines: [String] = [], in folder: TemporaryDirectory) throws -> String {
        try CCompiler.sharedLibrary([TestPaths.fixture("plugins/fixture_plugin.c")],
                                    output: folder.file(name), defines: defines)
    }

    /// Builds the C example connector from Examples/CConnector into `folder`.
    @discardableResult
    static func buildCExample(in folder: TemporaryDirectory, name: String = "libfilestore.so") throws -> String {
        let example = TestPaths.packageRoot + "/Examples/CConnector/"
        return try CCompiler.sharedLibrary([example + "filestore.c", example + "json_scan.c"],
                                           output: folder.file(name), defines: ["_POSIX_C_SOURCE=200809L"])
    }
}
