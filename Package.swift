// swift-tools-version:6.0
//
// Tandem: a sync node for issue trackers. No SwiftPM package dependencies (a
// design rule): only the toolchain, Glibc, and the system libraries SQLite 3 and
// OpenSSL's libcrypto and libssl through system-library targets.
//
// Read top to bottom by layer: system libraries, the libraries, the plugin
// ABI and SDK, the engine, the tools and executables, the bundled
// connectors, and the tests. Each target depends only on targets above it.
import PackageDescription

/// Linker flags every connector plugin gets: never unloaded (the Swift runtime
/// keeps pointers into a loaded image), and only the entry symbol exported.
let pluginLinkerSettings: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-z", "-Xlinker", "nodelete",
        "-Xlinker", "--version-script=\(Context.packageDirectory)/Plugins/plugin.exports",
    ])
]

// MARK: - System libraries

let systemLibraries: [Target] = [
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CSSL", path: "Sources/CSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
]

// MARK: - Libraries

let libraries: [Target] = [
    .target(name: "TandemJSON", path: "Sources/TandemJSON"),
    .target(name: "TandemTime", path: "Sources/TandemTime"),
    .target(name: "TandemDigest", dependencies: ["CCrypto"], path: "Sources/TandemDigest"),
    .target(name: "TandemThreads", path: "Sources/TandemThreads"),
    .target(name: "TandemSQL", dependencies: ["CSQLite"], path: "Sources/TandemSQL"),
    .target(name: "TandemHTTP", dependencies: ["TandemJSON", "CSSL", "TandemThreads"], path: "Sources/TandemHTTP"),
    .target(name: "SyncScript", dependencies: ["TandemJSON"], path: "Sources/SyncScript"),
]

// MARK: - Plugin ABI and SDK

let abiAndSDK: [Target] = [
    .target(name: "PluginAPI", path: "Sources/PluginAPI", exclude: ["sdk"]),
    .target(name: "TandemRuntime", dependencies: ["PluginAPI"], path: "Sources/TandemRuntime"),
    .target(name: "PluginKit", dependencies: ["PluginAPI", "TandemRuntime", "TandemJSON", "TandemTime"], path: "Sources/PluginKit"),
    .target(name: "ConnectorContract", dependencies: ["TandemJSON"], path: "Sources/ConnectorContract",
            resources: [.copy("schemas")]),
]

// MARK: - Engine

let engine: [Target] = [
    .target(name: "NodeHost",
            dependencies: ["PluginAPI", "TandemRuntime", "TandemJSON", "TandemDigest", "TandemTime", "TandemThreads",
                           "TandemHTTP", "TandemSQL", "SyncScript"],
            path: "Sources/NodeHost"),
]

// MARK: - Tools and executables

/// What both executables link besides their own code.
let commandDependencies: [Target.Dependency] = [
    "NodeHost", "TandemCLI", "TandemRuntime", "TandemJSON", "TandemHTTP", "TandemAdminClient", "TandemDigest",
    "SyncScript", "ConnectorContract", "TrackerSim", "LocalDeployment",
]

let tools: [Target] = [
    .target(name: "TandemCLI", path: "Sources/TandemCLI"),
    .target(name: "TandemAdminClient", dependencies: ["TandemJSON", "TandemHTTP"], path: "Sources/TandemAdminClient"),
    .target(name: "TrackerSim", dependencies: ["TandemHTTP", "TandemSQL", "TandemJSON", "TandemDigest", "TandemTime", "TandemThreads"],
            path: "Sources/TrackerSim"),
    .target(name: "LocalDeployment", dependencies: ["TandemJSON", "TandemHTTP", "TandemAdminClient", "TandemThreads"], path: "Sources/LocalDeployment"),
    .executableTarget(name: "tandem", dependencies: commandDependencies + ["TandemThreads"], path: "Sources/tandem"),
    .executableTarget(name: "tandem-bench", dependencies: commandDependencies, path: "Sources/tandem-bench"),
]

// MARK: - Bundled connectors

let connectors: [Target] = [
    .target(name: "JiraLike", dependencies: ["PluginKit"], path: "Plugins/JiraLike", linkerSettings: pluginLinkerSettings),
    .target(name: "ServiceNowLike", dependencies: ["PluginKit"], path: "Plugins/ServiceNowLike", linkerSettings: pluginLinkerSettings),
]

// MARK: - Tests

let tests: [Target] = [
    .target(name: "TestSupport", dependencies: ["LocalDeployment"], path: "Tests/TestSupport"),
    .testTarget(name: "PluginAPITests", dependencies: ["TestSupport"], path: "Tests/PluginAPITests"),
    .testTarget(name: "TandemJSONTests", dependencies: ["TandemJSON"], path: "Tests/TandemJSONTests"),
    .testTarget(name: "TandemTimeTests", dependencies: ["TandemTime"], path: "Tests/TandemTimeTests"),
    .testTarget(name: "TandemThreadsTests", dependencies: ["TandemThreads"], path: "Tests/TandemThreadsTests"),
    .testTarget(name: "TandemSQLTests", dependencies: ["TandemSQL"], path: "Tests/TandemSQLTests"),
    .testTarget(name: "TandemHTTPTests", dependencies: ["TandemHTTP", "TandemJSON", "TestSupport"], path: "Tests/TandemHTTPTests"),
    .testTarget(name: "SyncScriptTests", dependencies: ["SyncScript", "TandemJSON"], path: "Tests/SyncScriptTests",
                exclude: ["Fixtures"]),
    .testTarget(name: "TrackerSimTests", dependencies: ["TrackerSim", "TandemHTTP", "TandemSQL", "TandemJSON", "CCrypto"],
                path: "Tests/TrackerSimTests", exclude: ["python"]),
    .testTarget(name: "NodeHostTests", dependencies: ["NodeHost", "TestSupport", "TandemJSON", "TandemDigest"], path: "Tests/NodeHostTests"),
    .testTarget(name: "EngineTests", dependencies: ["NodeHost", "TestSupport", "TandemJSON", "TandemTime", "TandemDigest", "TandemSQL"],
                path: "Tests/EngineTests"),
    .testTarget(name: "ConnectorTests", dependencies: ["NodeHost", "TrackerSim", "TandemHTTP", "TestSupport", "TandemJSON", "PluginKit",
                                                       "ConnectorContract"],
                path: "Tests/ConnectorTests", exclude: ["BusinessRule"]),
    .testTarget(name: "CommandTests", dependencies: ["TestSupport", "TandemJSON"], path: "Tests/CommandTests"),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "TandemJSON", "TandemHTTP", "TandemAdminClient"],
                path: "Tests/EndToEndTests"),
]

let package = Package(
    name: "Tandem",
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
        // What an out-of-tree Swift connector depends on (see `tandem plugins new`).
        .library(name: "PluginKit", targets: ["PluginKit"]),
        .library(name: "JiraLike", type: .dynamic, targets: ["JiraLike"]),
        .library(name: "ServiceNowLike", type: .dynamic, targets: ["ServiceNowLike"]),
    ],
    targets: systemLibraries + libraries + abiAndSDK + engine + tools + connectors + tests
)
