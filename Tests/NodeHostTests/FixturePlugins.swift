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
        try CCompiler.filestoreExample(output: folder.file(name))
    }
}
