import Foundation

/// Where things are when tests run: the package, the built products, the tools.
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/TestPaths.swift
        return url.path
    }()

    /// The build products folder (`.build/debug` or `.build/release`): the one
    /// that holds the running test bundle, so tests use what this build made.
    public static let products: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable)
        url.deleteLastPathComponent()
        // The test binary may sit inside a `.xctest` bundle folder.
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }()

    /// A file under Tests/Fixtures.
    public static func fixture(_ relativePath: String) -> String {
        packageRoot + "/Tests/Fixtures/" + relativePath
    }

    /// The PluginAPI include folder (for compiling C against the ABI header).
    public static let pluginHeaders = packageRoot + "/Sources/PluginAPI/include"

    /// The C SDK folder (tandem_sdk.h and tandem_sdk.c).
    public static let cSDK = packageRoot + "/Sources/PluginAPI/sdk"

    /// The `tandem` executable this build made.
    public static var tandem: String { products + "/tandem" }
}

extension ChildProcess {
    /// Runs the `tandem` executable of this build.
    public static func tandem(_ arguments: [String], currentDirectory: String? = nil,
                              environment: [String: String]? = nil) throws -> ProcessResult {
        try run(TestPaths.tandem, arguments, currentDirectory: currentDirectory, environment: environment)
    }
}
