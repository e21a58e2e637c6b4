// swift-tools-version:6.0
//
// Tandem: a sync node for issue trackers. No SwiftPM package dependencies (a
// design rule): only the toolchain, Glibc, and the system libraries SQLite 3 and
// OpenSSL's libcrypto through system-library targets.
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
    .target(name: "TandemRuntime", path: "Sources/TandemRuntime"),
    .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                   providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                   providers: [.apt(["libssl-dev"])]),
    .target(name: "TandemCLI", path: "Sources/TandemCLI"),
    .target(name: "TandemJSON", path: "Sources/TandemJSON"),
    .testTarget(name: "TandemJSONTests", dependencies: ["TandemJSON"], path: "Tests/TandemJSONTests"),
]
let nodeHostDependencies: [Target.Dependency] = ["PluginAPI", "TandemRuntime", "CSQLite", "CCrypto"]

// MARK: - HTTP layer (issue 3, part 1)

let httpTargets: [Target] = [
]
let httpNodeHostDependencies: [Target.Dependency] = []
let httpCommandDependencies: [Target.Dependency] = []

// MARK: - Tracker simulators and SQLite wrapper (issue 3, part 2)

let simTargets: [Target] = [
]
let simNodeHostDependencies: [Target.Dependency] = []
let simCommandDependencies: [Target.Dependency] = []

// MARK: - SyncScript (issue 5)

let scriptTargets: [Target] = [
    .target(name: "SyncScript", dependencies: ["TandemJSON"], path: "Sources/SyncScript"),
    .testTarget(name: "SyncScriptTests", dependencies: ["SyncScript", "TandemJSON"],
                path: "Tests/SyncScriptTests", exclude: ["Fixtures"]),
]
let scriptNodeHostDependencies: [Target.Dependency] = ["SyncScript"]
let scriptCommandDependencies: [Target.Dependency] = ["SyncScript"]

// MARK: - Engine and executables

let engineTargets: [Target] = [
    .executableTarget(name: "tandem",
                      dependencies: ["TandemCLI", "TandemRuntime", "TandemJSON"] + httpCommandDependencies
                          + simCommandDependencies + scriptCommandDependencies,
                      path: "Sources/tandem"),
    .executableTarget(name: "tandem-bench",
                      dependencies: ["TandemCLI", "TandemRuntime", "TandemJSON"] + httpCommandDependencies
                          + simCommandDependencies + scriptCommandDependencies,
                      path: "Sources/tandem-bench"),
]

let package = Package(
    name: "Tandem",
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
    ],
    targets: foundationTargets + httpTargets + simTargets + scriptTargets + engineTargets
)
