/// The names the node binds into each kind of script (docs/scripts.md,
/// Bindings): what a script may read without defining it. The configuration
/// check reports any other name a script reads and never assigns.
enum ScriptBindings {
    static let outgoing: Set<String> = ["issue", "entity", "replica", "log", "debug"]
    static let incoming: Set<String> = outgoing.union(["previous", "firstSync", "localChanges", "commentHelper",
                                                       "attachmentHelper", "nodeHelper", "syncHelper"])
}
