// swift-tools-version:6.0
//
// Tandem: a sync node for issue trackers. No SwiftPM package dependencies (a
// design rule): only the toolchain, Glibc, and the system libraries SQLite 3 and
// OpenSSL's libcrypto and libssl through system-library targets.
//
// The targets are grouped by area, one list each, so that work on one area
// touches only its own lines of this file.
import PackageDescription

/// Linker flags every connector plugin gets: never unloaded (the Swift runtime
/// keeps pointers into a loaded image), and only the entry symbol exported.
let pluginLinkerSettings: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-z", "-Xlinker", "nodelete",
        "-Xlinker", "--version-script=\(Context.packageDirectory)/Plugins/plugin.exports",
    ])
]

// MARK: - Foundation: ABI, SDK, loader, command line

let foundationTargets: [Target] = [
    .target(name: "PluginAPI", path: "Sources/PluginAPI", exclude: ["sdk"]),
    .target(name: "TandemRuntime", dependencies: ["PluginAPI"], path: "Sources/TandemRuntime"),
    .target(name: "PluginKit", dependencies: ["PluginAPI", "TandemRuntime", "TandemJSON", "TandemTime"], path: "Sources/PluginKit"),
    .target(name: "TandemTime", path: "Sources/TandemTime"),
    .target(name: "TandemDigest", dependencies: ["CCrypto"], path: "Sources/TandemDigest"),
    .target(name: "TandemThreads", path: "Sources/TandemThreads"),
    .testTarget(name: "TandemThreadsTests", dependencies: ["TandemThreads"], path: "Tests/TandemThreadsTests"),
    .testTarget(name: "TandemTimeTests", dependencies: ["TandemTime"], path: "Tests/TandemTimeTests"),
    .target(name: "JiraLike", dependencies: ["PluginKit"], path: "Plugins/JiraLike",
            linkerSettings: pluginLinkerSettings),
    .target(name: "ServiceNowLike", dependencies: ["PluginKit"], path: "Plugins/ServiceNowLike",
            linkerSettings: pluginLinkerSettings),
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                   providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                   providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CSSL", path: "Sources/CSSL", pkgConfig: "libssl",
                   providers: [.apt(["libssl-dev"])]),
    .target(name: "TandemCLI", path: "Sources/TandemCLI"),
    .target(name: "TandemJSON", path: "Sources/TandemJSON"),
    .target(name: "LocalDeployment", dependencies: ["TandemJSON", "TandemHTTP", "TandemAdminClient"], path: "Sources/LocalDeployment"),
    .target(name: "TandemAdminClient", dependencies: ["TandemJSON", "TandemHTTP"], path: "Sources/TandemAdminClient"),
    .target(name: "TestSupport", dependencies: ["LocalDeployment"], path: "Tests/TestSupport"),
    .testTarget(name: "NodeHostTests", dependencies: ["NodeHost", "TestSupport", "TandemJSON", "TandemDigest"], path: "Tests/NodeHostTests"),
    .testTarget(name: "PluginAPITests", dependencies: ["TestSupport"], path: "Tests/PluginAPITests"),
    .testTarget(name: "CommandTests", dependencies: ["TestSupport", "TandemJSON"], path: "Tests/CommandTests"),
    .testTarget(name: "TandemJSONTests", dependencies: ["TandemJSON"], path: "Tests/TandemJSONTests"),
]
let nodeHostDependencies: [Target.Dependency] = ["PluginAPI", "TandemRuntime", "TandemJSON", "TandemDigest", "TandemTime", "TandemThreads"]

// MARK: - HTTP layer (issue 3, part 1)

let httpTargets: [Target] = [
    .target(name: "TandemHTTP", dependencies: ["TandemJSON", "CSSL", "TandemThreads"], path: "Sources/TandemHTTP"),
    .testTarget(name: "TandemHTTPTests", dependencies: ["TandemHTTP", "TandemJSON", "TestSupport"], path: "Tests/TandemHTTPTests"),
]
let httpNodeHostDependencies: [Target.Dependency] = ["TandemHTTP"]
let httpCommandDependencies: [Target.Dependency] = ["TandemHTTP"]

// MARK: - Tracker simulators and SQLite wrapper (issue 3, part 2)

let simTargets: [Target] = [
    .target(name: "TandemSQL", dependencies: ["CSQLite"], path: "Sources/TandemSQL"),
    .target(name: "TrackerSim", dependencies: ["TandemHTTP", "TandemSQL", "TandemJSON", "TandemDigest", "TandemTime", "TandemThreads"],
            path: "Sources/TrackerSim"),
    .testTarget(name: "TandemSQLTests", dependencies: ["TandemSQL"], path: "Tests/TandemSQLTests"),
    .testTarget(name: "TrackerSimTests", dependencies: ["TrackerSim", "TandemHTTP", "TandemSQL", "TandemJSON", "CCrypto"],
                path: "Tests/TrackerSimTests", exclude: ["python"]),
]
let simNodeHostDependencies: [Target.Dependency] = ["TandemSQL"]
let simCommandDependencies: [Target.Dependency] = ["TrackerSim"]

// MARK: - SyncScript (issue 5)

let scriptTargets: [Target] = [
    .target(name: "SyncScript", dependencies: ["TandemJSON"], path: "Sources/SyncScript"),
    .testTarget(name: "SyncScriptTests", dependencies: ["SyncScript", "TandemJSON"],
                path: "Tests/SyncScriptTests", exclude: ["Fixtures"]),
]
let scriptNodeHostDependencies: [Target.Dependency] = ["SyncScript"]
let scriptCommandDependencies: [Target.Dependency] = ["SyncScript"]

// MARK: - Connectors and conformance checker (issue 4)

let connectorTargets: [Target] = [
    .target(name: "ConnectorContract", dependencies: ["TandemJSON"], path: "Sources/ConnectorContract",
            resources: [.copy("schemas")]),
    .testTarget(name: "ConnectorTests", dependencies: ["NodeHost", "TrackerSim", "TandemHTTP", "TestSupport", "TandemJSON", "PluginKit",
                                                       "ConnectorContract"],
                path: "Tests/ConnectorTests", exclude: ["BusinessRule"]),
]
let connectorCommandDependencies: [Target.Dependency] = ["ConnectorContract"]

// MARK: - Engine and executables

let engineTargets: [Target] = [
    .target(name: "NodeHost",
            dependencies: nodeHostDependencies + httpNodeHostDependencies + simNodeHostDependencies
                + scriptNodeHostDependencies,
            path: "Sources/NodeHost"),
    .testTarget(name: "EngineTests", dependencies: ["NodeHost", "TestSupport", "TandemJSON", "TandemTime", "TandemDigest"], path: "Tests/EngineTests"),
    .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "TandemJSON", "TandemHTTP", "TandemAdminClient"], path: "Tests/EndToEndTests"),
    .executableTarget(name: "tandem",
                      dependencies: ["NodeHost", "TandemCLI", "TandemRuntime", "TandemJSON", "LocalDeployment", "TandemAdminClient",
                                     "TandemDigest", "TandemThreads"] + httpCommandDependencies + simCommandDependencies + scriptCommandDependencies
                          + connectorCommandDependencies,
                      path: "Sources/tandem"),
    .executableTarget(name: "tandem-bench",
                      dependencies: ["NodeHost", "TandemCLI", "TandemRuntime", "TandemJSON", "LocalDeployment", "TandemAdminClient", "TandemDigest"] + httpCommandDependencies
                          + simCommandDependencies + scriptCommandDependencies + connectorCommandDependencies,
                      path: "Sources/tandem-bench"),
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
    targets: foundationTargets + httpTargets + simTargets + scriptTargets + connectorTargets + engineTargets
)
