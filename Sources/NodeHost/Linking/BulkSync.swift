import Foundation
import TandemHTTP
import TandemJSON
import TandemThreads

/// `tandem sync --query Q`: queues every matching entity like a manual sync,
/// page by page, as a `BulkRun` whose progress an operator polls by its id.
///
/// The first page is searched before answering, so a query the tracker
/// refuses is a 400 at once; the others are searched on the run's own thread,
/// following the connector's cursor until it reports no more. There is no
/// cap on the number of matches.
///
/// Decision: entities that were unsynced (`tandem unsync`) are skipped and
/// listed, not re-linked: a broad query should not undo an explicit unsync;
/// `tandem sync KEY` re-links one on purpose.
struct BulkSync {
    /// Refs asked of one `search` call.
    static let defaultPageSize = 1000
    let context: ConnectionContext
    let instance: PluginInstance
    /// The connection's `trigger.query`, named when an entity is out of scope.
    let triggerQuery: String

    /// Starts a run for `query`; returns after its first page is queued.
    func start(query: String, pageSize: Int, runs: BulkRuns) throws -> BulkRun {
        let run = runs.create(connection: context.name, query: query)
        let first = try search(query: query, cursor: .null, pageSize: pageSize)
        try queue(first.refs, in: run)
        guard first.more else {
            run.finishSearch(failure: nil)
            return run
        }
        let started = WorkerThread.start(name: "tandem.\(context.name).bulk", detached: true) { [self] in
            do {
                var page = first
                while page.more {
                    page = try search(query: query, cursor: page.cursor, pageSize: pageSize)
                    try queue(page.refs, in: run)
                }
                run.finishSearch(failure: nil)
            } catch {
                context.logger.error("sync --query stopped searching: \(error)", connection: context.name)
                run.finishSearch(failure: "\(error)")
            }
        }
        if started == nil { run.finishSearch(failure: "cannot start the search thread: the system refused (errno \(errno)); run the sync again") }
        return run
    }

    private struct Page {
        var refs: [JSON]
        var cursor: JSON
        var more: Bool
    }

    private func search(query: String, cursor: JSON, pageSize: Int) throws -> Page {
        let answer: JSON
        do {
            answer = try instance.call("search", [
                "query": .string(query), "cursor": cursor, "limit": .int(Int64(pageSize)),
            ]).json
        } catch where error.kind == .invalid {
            throw Linker.failure(400, "the tracker refused the query '\(query)': \(error); check its syntax for \(instance.plugin.id)")
        } catch {
            throw Linker.failure(502, "cannot search the tracker of connection '\(context.name)': \(error); check `tandem status` and try again")
        }
        let next = answer["cursor"] ?? .null
        // A connector that does not move its cursor has nothing more to give.
        let more = answer["more"]?.boolValue == true && next != cursor
        return Page(refs: answer["refs"]?.arrayValue ?? [], cursor: next, more: more)
    }

    private func queue(_ refs: [JSON], in run: BulkRun) throws {
        // A search of the trigger query itself vouches for scope, as a poll's does (ScopeGate).
        let source = run.query == triggerQuery ? "query" : "manual"
        try context.store.write { tx in
            for ref in refs {
                guard let id = ref["id"]?.stringValue, run.admit(id) else { continue }
                let key = ref["key"]?.stringValue ?? id
                if try tx.twinLink(connection: context.name, localID: id)?.status == .unsynced {
                    run.skip(["id": .string(id), "key": .string(key),
                              "reason": .string("unsynced; `tandem sync \(key) --connection \(context.name)` re-links it")])
                    continue
                }
                try tx.notePending(connection: context.name, localID: id, localKey: key, source: source)
                run.queued(id, key: key)
            }
        }
        context.work.signal()
    }

    /// The run's counts after re-checking its next batch of unsettled members.
    func progress(_ run: BulkRun) throws -> JSON {
        try run.progress { ids in
            try context.store.read { tx in
                var states: [String: BulkRun.MemberState] = [:]
                for id in ids { states[id] = try state(of: id, tx) }
                return states
            }
        }
    }

    /// `synced` (twinned, nothing left to send), `parked` (with the reason,
    /// here or at the peer), `outOfScope` (the trigger query does not match
    /// it: never sent) or `pending`; a few indexed lookups.
    private func state(of id: String, _ tx: StoreTransaction) throws -> BulkRun.MemberState {
        let twin = try tx.twinLink(connection: context.name, localID: id)
        if let reason = try tx.openParkedReason(connection: context.name, lane: "out:" + id) {
            return .parked(reason)
        }
        if twin?.remoteID == nil, let decision = try tx.scopeDecision(connection: context.name, localID: id),
           !decision.matches, try !tx.hasPending(connection: context.name, localID: id) {
            return .outOfScope("does not match trigger.query '\(triggerQuery)', so it is not sent")
        }
        if let remote = twin?.remoteStatus, remote.hasPrefix("failed") {
            return .parked("at the peer: " + remote.dropFirst("failed".count).drop { $0 == ":" || $0 == " " })
        }
        if let twin, twin.status == .active, twin.remoteID != nil,
           try !tx.hasPending(connection: context.name, localID: id),
           try !tx.hasOutgoingReplica(connection: context.name, localID: id) {
            return .synced
        }
        return .pending
    }
}
