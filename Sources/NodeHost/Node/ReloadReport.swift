import TandemJSON

/// What a reload changed, by connection name.
public struct ReloadReport: Sendable, Equatable {
    public var added: [String] = []
    public var removed: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    /// Plugin ids loaded from files new to the plugins folder.
    public var pluginsLoaded: [String] = []
    /// "restart needed for plugin X (FILE changed)": the old version keeps running.
    public var restartNeeded: [String] = []

    public var json: JSON {
        func list(_ items: [String]) -> JSON { .array(items.map(JSON.string)) }
        return ["added": list(added), "removed": list(removed), "changed": list(changed), "unchanged": list(unchanged),
                "pluginsLoaded": list(pluginsLoaded), "restartNeeded": list(restartNeeded)]
    }
}
