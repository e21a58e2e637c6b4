import Foundation
import TandemCLI
import TandemJSON

/// `tandem sync --query Q`: queues every match on the node, follows the
/// node's progress with a bar on stderr, and prints a summary on stdout.
struct BulkSyncRun {
    let client: AdminClient
    let connection: String
    let timeout: Double

    func run(query: String) throws -> ExitCode {
        let queued = try client.send("POST", "/admin/v1/sync/query", ["connection": .string(connection), "query": .string(query)])
        let entities = queued["entities"]?.arrayValue ?? []
        let skipped = queued["skipped"]?.arrayValue ?? []
        if entities.isEmpty && skipped.isEmpty {
            print("no entity on \(connection) matches the query \(query.isEmpty ? "(empty: the connection's default scope)" : "'\(query)'")")
            return .success
        }
        let ids = entities.compactMap { $0["id"]?.stringValue }
        let start = Date()
        var bar = ProgressBar(total: ids.count)
        var states: [JSON] = []
        while true {
            states = ids.isEmpty ? [] : try client.send("POST", "/admin/v1/sync/progress", [
                "connection": .string(connection), "ids": .array(ids.map(JSON.string)),
            ])["entities"]?.arrayValue ?? []
            let synced = states.count { $0["state"]?.stringValue == "synced" }
            let parked = states.count { $0["state"]?.stringValue == "parked" }
            let outOfScope = states.count { $0["state"]?.stringValue == "out of scope" }
            let elapsed = Date().timeIntervalSince(start)
            bar.show(done: synced, parked: parked, elapsed: elapsed)
            if synced + parked + outOfScope == ids.count || elapsed >= timeout { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        bar.finish()
        // The keys the search found: an entity never sent has no key in the node's records.
        let keys = Dictionary(entities.compactMap { entity in entity["id"]?.stringValue.map { ($0, entity["key"]?.stringValue ?? $0) } },
                              uniquingKeysWith: { first, _ in first })
        return summarize(states, skipped: skipped, keys: keys, elapsed: Date().timeIntervalSince(start))
    }

    private func summarize(_ states: [JSON], skipped: [JSON], keys: [String: String], elapsed: Double) -> ExitCode {
        func entries(_ state: String) -> [JSON] { states.filter { $0["state"]?.stringValue == state } }
        func key(_ entry: JSON) -> String {
            entry["id"]?.stringValue.flatMap { keys[$0] } ?? entry["key"]?.stringValue ?? entry["id"]?.stringValue ?? "?"
        }
        let parked = entries("parked"), pending = entries("pending"), outOfScope = entries("out of scope")
        print("sync --query on \(connection): \(states.count + skipped.count) matched, \(entries("synced").count) synced, "
              + "\(parked.count) parked, \(pending.count) still pending, \(skipped.count) skipped, \(outOfScope.count) out of scope, in \(String(format: "%.1f", elapsed)) s")
        for entry in parked {
            print("  parked \(key(entry)): \(entry["reason"]?.stringValue ?? "no reason recorded")")
        }
        if !parked.isEmpty { print("  fix the cause, then `tandem errors retry --all` on the node that parked it") }
        for entry in pending { print("  still pending after \(Int(timeout)) s: \(key(entry))") }
        if !pending.isEmpty { print("  the node keeps working on them; `tandem status` shows its queues") }
        for entry in skipped { print("  skipped \(key(entry)): \(entry["reason"]?.stringValue ?? "")") }
        for entry in outOfScope { print("  not sent \(key(entry)): \(entry["reason"]?.stringValue ?? "")") }
        return parked.isEmpty && pending.isEmpty ? .success : .failure
    }
}
