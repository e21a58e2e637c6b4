import TandemHTTP
import TandemJSON

/// Admin routes of bulk sync and linking (docs/linking.md), used by
/// `tandem sync --query`, `tandem sync KEY`, `tandem connect` and `tandem unsync`:
///
///     POST /admin/v1/sync/query     {connection, query, pageSize?} → 202 progress of the new run
///     POST /admin/v1/sync/progress  {connection, run}            → {run, searching, error, matched, queued,
///                                   synced, parked, pending, skipped, parkedEntities, pendingEntities,
///                                   skippedEntities} (lists capped; each call costs the same at any size)
///     POST /admin/v1/connect        {connection, localKey, remoteKey} → 202 {id, key, seq, remoteKey}
///     POST /admin/v1/unsync         {connection, key}            → 202 {id, key, seq, remoteKey}
///     POST /admin/v1/relink         {connection, key}            → {relinked, id, seq?, remoteKey?}
///     POST /admin/v1/links/state    {connection, id, seq}        → {action, state, reason, …}
extension AdminAPI {
    func registerLinkingRoutes(on router: Router) {
        let api = self
        @Sendable func text(_ body: JSON, _ name: String) throws -> String {
            guard let value = body[name]?.stringValue, !value.isEmpty else { throw Linker.failure(400, "body needs \"\(name)\"") }
            return value
        }
        /// A route that calls the connection's plugin answers within `AdminAPI.lookupSeconds`.
        @Sendable func bounded(_ connection: Connection, _ what: String, _ work: @escaping @Sendable () throws -> HTTPResponse) -> HTTPResponse {
            BoundedWait.answer(atMost: AdminAPI.lookupSeconds, plugin: connection.instance.plugin.id, doing: what,
                               name: "tandem.admin.\(connection.name)", work)
        }
        let runs = bulkRuns
        router.add("POST", "/admin/v1/sync/query") { request in
            let body = try request.jsonBody()
            let pageSize = body["pageSize"]?.intValue ?? BulkSync.defaultPageSize
            guard (1...10_000).contains(pageSize) else { throw Linker.failure(400, "\"pageSize\" must be from 1 to 10000") }
            let connection = try api.named(body), query = body["query"]?.stringValue ?? ""
            return bounded(connection, "the search for '\(query)'") {
                let bulk = connection.bulkSync
                let run = try bulk.start(query: query, pageSize: pageSize, runs: runs)
                return .json(202, try bulk.progress(run))
            }
        }
        router.add("POST", "/admin/v1/sync/progress") { request in
            let body = try request.jsonBody()
            let connection = try api.named(body), bulk = connection.bulkSync
            guard let id = body["run"]?.stringValue, let run = runs.run(id), run.connection == connection.name else {
                throw Linker.failure(404, "no sync --query run '\(body["run"]?.stringValue ?? "")' on this connection; runs are kept in memory until the node restarts")
            }
            return .json(200, try bulk.progress(run))
        }
        router.add("POST", "/admin/v1/connect") { request in
            let body = try request.jsonBody()
            let connection = try api.named(body), localKey = try text(body, "localKey"), remoteKey = try text(body, "remoteKey")
            return bounded(connection, "connecting \(localKey) with \(remoteKey)") {
                .json(202, try connection.linker.connect(localKey: localKey, remoteKey: remoteKey))
            }
        }
        router.add("POST", "/admin/v1/unsync") { request in
            let body = try request.jsonBody()
            let connection = try api.named(body), key = try text(body, "key")
            return bounded(connection, "unsyncing \(key)") { .json(202, try connection.linker.unsync(key: key)) }
        }
        router.add("POST", "/admin/v1/relink") { request in
            let body = try request.jsonBody()
            let connection = try api.named(body), key = try text(body, "key")
            return bounded(connection, "re-linking \(key)") { .json(200, try connection.linker.relink(key: key)) }
        }
        router.add("POST", "/admin/v1/links/state") { request in
            let body = try request.jsonBody()
            guard let seq = body["seq"]?.intValue else { throw Linker.failure(400, "body needs a numeric \"seq\"") }
            return .json(200, try api.named(body).linker.state(localID: try text(body, "id"), seq: Int64(seq)))
        }
    }
}
