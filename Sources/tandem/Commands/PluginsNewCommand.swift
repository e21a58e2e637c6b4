import Foundation
import TandemCLI

/// `tandem plugins new`: writes a connector project outside the Tandem tree.
struct PluginsNewCommand: Command {
    static let path = ["plugins", "new"]
    static let summary = "write a new connector project (Swift or C) that builds with one command"
    static let help = """
        Usage: tandem plugins new ID --lang swift|c [--dir DIR] [--tandem PATH | --tandem-url URL]

        Writes a complete connector project for plugin id ID (e.g. my-tracker)
        into DIR (default ./ID), outside the Tandem source tree:
          swift  a Swift package depending on Tandem's PluginKit (by path, or
                 by git URL with --tandem-url), with the plugin linker settings
                 and its plugin.exports
          c      one C file using the C SDK (tandem_sdk.h) and Debian's cJSON
                 (apt-get install -y libcjson-dev), with a Makefile
        The generated connector answers describe and get; `make` builds
        build/libNAME.so, `make install PLUGINS_DIR=DIR` installs it by copy and
        rename (safe while a node runs), and it passes the describe and unknown-id
        checks of `tandem plugins check` as generated.

        Options:
          --lang L         swift or c (required)
          --dir DIR        where to write (must not exist or be empty)
          --tandem PATH    the Tandem source folder (default: the one this tandem was built from)
          --tandem-url URL depend on Tandem by git URL instead of a path (swift)

        Example:
          tandem plugins new my-tracker --lang c --dir ~/src/my-tracker
          make -C ~/src/my-tracker install PLUGINS_DIR=/var/lib/tandem/plugins.d
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let id = arguments.positional() else {
            throw CommandError.usage("missing ID (the plugin id, e.g. my-tracker)")
        }
        guard let langText = try arguments.option("--lang") else {
            throw CommandError.usage("missing --lang swift|c")
        }
        guard let language = PluginScaffold.Language(rawValue: langText) else {
            throw CommandError.usage("--lang must be swift or c, not '\(langText)'")
        }
        let directory = try arguments.option("--dir") ?? id
        let tandemOption = try arguments.option("--tandem")
        let tandemURL = try arguments.option("--tandem-url")
        try arguments.finish()
        let idBytes = Array(id.utf8)
        guard let first = idBytes.first, (first >= 97 && first <= 122) || (first >= 48 && first <= 57),
              idBytes.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 46 || $0 == 95 }) else {
            throw CommandError.usage("ID '\(id)' must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard let root = tandemOption ?? PluginScaffold.tandemRootFromExecutable() else {
            throw CommandError("cannot find the Tandem source folder this tandem was built from; pass --tandem PATH", exitCode: .validationFailure)
        }
        let absolute = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        let scaffold = PluginScaffold(id: id, language: language, directory: absolute(directory), tandemRoot: absolute(root),
                                      tandemURL: tandemURL)
        do { try scaffold.write() } catch { throw CommandError(error.description, exitCode: .validationFailure) }
        print("wrote \(scaffold.files.count) files to \(scaffold.directory)")
        print("next: make -C \(scaffold.directory) && tandem plugins check \(scaffold.directory)/build/\(scaffold.libraryName) --config CONFIG.json")
        return .success
    }
}
