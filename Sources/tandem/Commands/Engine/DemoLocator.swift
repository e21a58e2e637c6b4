import Foundation
import TandemCLI

/// Finds what `tandem demo` runs: this very executable, the bundled example
/// configs and scripts, and the two connector libraries.
struct DemoLocator {
    static let examplesPath = "examples/jira-servicenow"
    static let pluginFiles = ["libJiraLike.so", "libServiceNowLike.so"]

    let tandem: String
    let examples: String
    let plugins: [String]

    /// - Throws: `CommandError` saying which file is missing and how to get it.
    static func locate() throws -> DemoLocator {
        let files = FileManager.default
        let tandem = (try? files.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let binaryFolder = URL(fileURLWithPath: tandem).deletingLastPathComponent().path
        // The package root: up from the binary (.build/debug/tandem), else up from here.
        let roots = ancestors(of: binaryFolder) + ancestors(of: files.currentDirectoryPath)
        guard let root = roots.first(where: { files.fileExists(atPath: $0 + "/" + examplesPath + "/blue.json") }) else {
            throw CommandError("cannot find \(examplesPath)/ (the demo's configs and scripts) above \(binaryFolder) or the current directory; run the demo from a Tandem checkout, e.g. `make demo`")
        }
        var plugins: [String] = []
        for file in pluginFiles {
            let candidates = [binaryFolder + "/" + file, root + "/plugins.d/" + file]
            guard let found = candidates.first(where: files.fileExists(atPath:)) else {
                throw CommandError("cannot find \(file) in \(binaryFolder) or \(root)/plugins.d; run `make plugins` first (or use `make demo`, which does)")
            }
            plugins.append(found)
        }
        return DemoLocator(tandem: tandem, examples: root + "/" + examplesPath, plugins: plugins)
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
