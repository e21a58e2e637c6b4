import Foundation
import TandemCLI
import TandemJSON

/// `tandem sync --query Q`: starts a run on the node, follows its progress by
/// run id with a bar on stderr (the number matched grows while the node is
/// still searching), and prints a summary on stdout.
struct BulkSyncRun {
    let client: AdminClient
    let connection: String
    let timeout: Double
    let pageSize: Int?

    func run(query: String) throws -> ExitCode {
        var body: JSON = ["connection": .string(connection), "query": .string(query)]
        if let pageSize { body["pageSize"] = .int(Int64(pageSize)) }
        var progress = try client.send("POST", "/admin/v1/sync/query", body)
        guard let run = progress["run"]?.stringValue else {
            throw CommandError("the node answered sync --query without a run id: \(progress.text)")
        }
        let start = Date()
        var bar = ProgressBar()
        while true {
            let counts = Counts(progress)
            let elapsed = Date().timeIntervalSince(start)
            bar.show(synced: counts.synced, parked: counts.parked, pending: counts.pending, matched: counts.matched,
                     searching: counts.searching, elapsed: elapsed)
            if (!counts.searching && counts.pending == 0) || elapsed >= timeout { break }
            Thread.sleep(forTimeInterval: 0.2)
            progress = try client.send("POST", "/admin/v1/sync/progress", ["connection": .string(connection), "run": .string(run)])
        }
        bar.finish()
        return summarize(progress, query: query, elapsed: Date().timeIntervalSince(start))
    }

    private struct Counts {
        var matched, synced, parked, outOfScope, pending, skipped: Int
        var searching: Bool

        init(_ progress: JSON) {
            matched = progress["matched"]?.intValue ?? 0
            synced = progress["synced"]?.intValue ?? 0
            parked = progress["parked"]?.intValue ?? 0
            outOfScope = progress["outOfScope"]?.intValue ?? 0
            pending = progress["pending"]?.intValue ?? 0
            skipped = progress["skipped"]?.intValue ?? 0
            searching = progress["searching"]?.boolValue ?? false
        }
    }

    private func summarize(_ progress: JSON, query: String, elapsed: Double) -> ExitCode {
        let counts = Counts(progress)
        func key(_ entry: JSON) -> String { entry["key"]?.stringValue ?? entry["id"]?.stringValue ?? "?" }
        func listed(_ name: String) -> [JSON] { progress[name]?.arrayValue ?? [] }
        if counts.matched == 0 && !counts.searching && progress["error"]?.stringValue == nil {
            print("no entity on \(connection) matches the query \(query.isEmpty ? "(empty: the connection's default scope)" : "'\(query)'")")
            return .success
        }
        print("sync --query on \(connection): \(counts.matched) matched\(counts.searching ? " so far (still searching)" : ""), "
              + "\(counts.synced) synced, \(counts.parked) parked, \(counts.pending) still pending, \(counts.skipped) skipped, "
              + "\(counts.outOfScope) out of scope, in \(String(format: "%.1f", elapsed)) s")
        if let error = progress["error"]?.stringValue { print("  the search stopped early: \(error)") }
        for entry in listed("parkedEntities") {
            print("  parked \(key(entry)): \(entry["reason"]?.stringValue ?? "no reason recorded")")
        }
        if counts.parked > listed("parkedEntities").count { print("  … and \(counts.parked - listed("parkedEntities").count) more parked (`tandem errors list`)") }
        if counts.parked > 0 { print("  fix the cause, then `tandem errors retry --all` on the node that parked it") }
        for entry in listed("pendingEntities") { print("  still pending after \(Int(timeout)) s: \(key(entry))") }
        if counts.pending > listed("pendingEntities").count { print("  … and \(counts.pending - listed("pendingEntities").count) more pending") }
        if counts.pending > 0 || counts.searching { print("  the node keeps working on them; `tandem status` shows its queues") }
        for entry in listed("skippedEntities") { print("  skipped \(key(entry)): \(entry["reason"]?.stringValue ?? "")") }
        for entry in listed("outOfScopeEntities") { print("  not sent \(key(entry)): \(entry["reason"]?.stringValue ?? "")") }
        let failed = counts.parked > 0 || counts.pending > 0 || counts.searching || progress["error"]?.stringValue != nil
        return failed ? .failure : .success
    }
}
