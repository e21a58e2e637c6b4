import Foundation

/// A new connector project outside the Tandem source tree, as written by
/// `tandem plugins new`: a Swift package depending on Tandem's PluginKit, or
/// a C project with a Makefile using the C SDK and cJSON. Either builds with
/// one command into a `.so` that loads and answers `describe` and `get`.
struct PluginScaffold {
    enum Language: String { case swift, c }

    /// The plugin id, `[a-z0-9][a-z0-9._-]*`.
    let id: String
    let language: Language
    /// Where the project is written; must not exist or be empty.
    let directory: String
    /// The Tandem source folder (holding Package.swift and Sources/PluginAPI).
    let tandemRoot: String
    /// A git URL to depend on instead of `tandemRoot` (Swift only).
    let tandemURL: String?

    /// `my-tracker` → `MyTracker`: the Swift module and library name.
    var moduleName: String {
        id.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The shared library `make` leaves in `build/`.
    var libraryName: String { "lib\(moduleName).so" }

    /// The files to write, by path relative to `directory`.
    var files: [(path: String, text: String)] {
        switch language {
        case .swift: return swiftFiles
        case .c: return cFiles
        }
    }

    func write() throws(ScaffoldError) {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw ScaffoldError("\(directory) exists and is not empty; pass --dir with a new folder")
        }
        for file in files {
            let path = directory + "/" + file.path
            do {
                try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw ScaffoldError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }

    /// The version script that exports only the entry (the same as Plugins/plugin.exports).
    static let exportsScript = """
        /* Every connector plugin exports exactly one symbol: the ABI entry. */
        {
          global: tandem_plugin_entry;
          local: *;
        };

        """

    /// The Makefile lines that install `build/LIB` into PLUGINS_DIR by copy
    /// and rename, so a running node never sees a half-written file.
    var installRule: String {
        """
        # Copy to a temporary name in the target folder, then rename over the old
        # file: a node that has the old one open keeps it intact.
        install: build/\(libraryName)
        \tmkdir -p $(PLUGINS_DIR)
        \tcp build/\(libraryName) $(PLUGINS_DIR)/.\(libraryName).tmp
        \tmv -f $(PLUGINS_DIR)/.\(libraryName).tmp $(PLUGINS_DIR)/\(libraryName)

        """
    }

    /// Finds the Tandem source folder from this executable (…/.build/<config>/tandem).
    static func tandemRootFromExecutable() -> String? {
        var url = URL(fileURLWithPath: ConformanceSuite.executablePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.path + "/Sources/PluginAPI/include/tandem/tandem.h"),
               FileManager.default.fileExists(atPath: url.path + "/Package.swift") {
                return url.path
            }
            url.deleteLastPathComponent()
        }
        return nil
    }
}

/// A project that could not be written.
struct ScaffoldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
