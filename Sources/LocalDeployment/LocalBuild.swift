import Foundation

/// What a local deployment runs, found from a built binary: the `tandem`
/// executable next to it, the bundled example configs and scripts, and the
/// two connector libraries.
public struct LocalBuild: Sendable {
    public static let examplesPath = "examples/jira-servicenow"
    public static let pluginFiles = ["libJiraLike.so", "libServiceNowLike.so"]

    public let tandem: String
    public let examples: String
    public let plugins: [String]

    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// Looks beside `binaryFolder` (a build products folder) for `tandem` and
    /// the plugins, and above it or the current directory for the examples.
    public static func locate(binaryFolder: String) throws -> LocalBuild {
        let files = FileManager.default
        let tandem = binaryFolder + "/tandem"
        guard files.isExecutableFile(atPath: tandem) else {
            throw NotFound(description: "no tandem executable in \(binaryFolder); build it first (swift build)")
        }
        let roots = ancestors(of: binaryFolder) + ancestors(of: files.currentDirectoryPath)
        guard let root = roots.first(where: { files.fileExists(atPath: $0 + "/" + examplesPath + "/blue.json") }) else {
            throw NotFound(description: "cannot find \(examplesPath)/ (configs and scripts) above \(binaryFolder) or the current directory; run from a Tandem checkout")
        }
        var plugins: [String] = []
        for file in pluginFiles {
            let candidates = [binaryFolder + "/" + file, root + "/plugins.d/" + file]
            guard let found = candidates.first(where: files.fileExists(atPath:)) else {
                throw NotFound(description: "cannot find \(file) in \(binaryFolder) or \(root)/plugins.d; run `make plugins` first")
            }
            plugins.append(found)
        }
        return LocalBuild(tandem: tandem, examples: root + "/" + examplesPath, plugins: plugins)
    }

    /// The folder of the running executable.
    public static var currentBinaryFolder: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// `path` and every folder above it, nearest first.
    private static func ancestors(of path: String) -> [String] {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var result = [url.path]
        while url.path != "/" {
            url.deleteLastPathComponent()
            result.append(url.path)
        }
        return result
    }
}
