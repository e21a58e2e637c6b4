/// The plugins a node has loaded, and which private copy each file was loaded from.
///
/// A rescan loads files that are new, reuses files whose content is
/// unchanged, and never loads a changed file of a plugin already loaded:
/// an in-process library is never unloaded, so running a second image of the
/// same plugin beside the first is not safe. Such a file is reported as
/// needing a restart instead.
struct LoadedPlugins {
    private(set) var byID: [String: LoadedPlugin] = [:]
    /// File name → (plugin id, private copy it was loaded from).
    private(set) var files: [String: (id: String, copy: String)] = [:]

    /// What a rescan found beyond the plugins it loaded.
    struct Rescan {
        var added: [String] = []
        /// "restart needed for plugin X (FILE changed)".
        var restartNeeded: [String] = []
        var refused: [String] = []
    }

    @discardableResult
    mutating func rescan(_ directory: String, snapshots: PluginSnapshots, logger: Logger) throws(PluginDirectoryError) -> Rescan {
        var outcome = Rescan()
        for name in try PluginLoader.sharedObjectNames(in: directory) {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let copy: String
            do { copy = try snapshots.snapshot(path) } catch {
                logger.warn("plugin refused: \(name): \(error)")
                outcome.refused.append("\(name): \(error)")
                continue
            }
            if let known = files[name] {
                if known.copy != copy { outcome.restartNeeded.append("restart needed for plugin \(known.id) (\(name) changed)") }
                continue
            }
            switch PluginLoader().load(path: path, from: copy) {
            case .success(let plugin):
                if let first = files.first(where: { $0.value.id == plugin.id }) {
                    let refusal = PluginRefusal.duplicateID(id: plugin.id, firstFile: first.key)
                    logger.warn("plugin refused: \(name): \(refusal)")
                    outcome.refused.append("\(name): \(refusal)")
                    continue
                }
                byID[plugin.id] = plugin
                files[name] = (plugin.id, copy)
                outcome.added.append(plugin.id)
            case .failure(let refusal):
                logger.warn("plugin refused: \(name): \(refusal)")
                outcome.refused.append("\(name): \(refusal)")
            }
        }
        return outcome
    }
}
