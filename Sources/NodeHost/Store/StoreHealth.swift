import TandemSQL

/// Checks a store file before the node uses it.
enum StoreHealth {
    /// Runs `PRAGMA quick_check`; throws with SQLite's own words and what to do when the file is damaged.
    static func quickCheck(path: String) throws(NodeStartError) {
        let problems: [String]
        do {
            let database = try Database(path: path)
            problems = try database.query("PRAGMA quick_check") { $0.text(0) ?? "" }.filter { $0 != "ok" }
        } catch {
            throw damaged(path, "\(error)")
        }
        guard problems.isEmpty else { throw damaged(path, problems.prefix(5).joined(separator: "; ")) }
    }

    private static func damaged(_ path: String, _ sqlite: String) -> NodeStartError {
        NodeStartError("the store \(path) is damaged; SQLite says: \(sqlite). The node will not run on it: restore the last backup (`tandem restore --config FILE --from BACKUP`, then `tandem recover --connection NAME`; docs/operations.md, Recovery)")
    }
}
