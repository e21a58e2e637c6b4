import Foundation
import TandemHTTP
import TandemJSON
import TandemTime
import TandemDigest

/// The operator endpoints under `/admin/v1/`, used by `tandem errors`,
/// `tandem sync`, `tandem status` and `tandem connections`.
///
/// Reachable only from loopback and only with `Authorization: Bearer
/// <adminToken>`; anything else gets 403/401 before routing.
struct AdminAPI {
    let connections: [String: Connection]
    let store: Store
    let adminToken: String
    /// The running configuration, shown masked by `GET /admin/v1/config`.
    let config: NodeConfig?
    /// The plugins loaded at start, and the files refused (`file: reason`).
    let loadedPlugins: [LoadedPlugin]
    let refusedPlugins: [String]
    let router = Router()
    /// `tandem sync --query` runs, polled by id.
    let bulkRuns = BulkRuns()

    init(connections: [String: Connection], store: Store, adminToken: String, config: NodeConfig? = nil,
         loadedPlugins: [LoadedPlugin] = [], refusedPlugins: [String] = []) {
        self.connections = connections
        self.store = store
        self.adminToken = adminToken
        self.config = config
        self.loadedPlugins = loadedPlugins
        self.refusedPlugins = refusedPlugins
        let api = self
        router.add("GET", "/admin/v1/errors") { _ in try api.listErrors() }
        router.add("POST", "/admin/v1/errors/retry") { request in try api.retry(request) }
        router.add("POST", "/admin/v1/errors/resolve") { request in try api.resolve(request) }
        router.add("POST", "/admin/v1/sync") { request in try api.sync(request) }
        router.add("POST", "/admin/v1/recover") { request in try api.recover(request) }
        router.add("GET", "/admin/v1/status") { _ in try api.status() }
        router.add("POST", "/admin/v1/connections/{name}/pause") { request in try api.setPaused(request, true) }
        router.add("POST", "/admin/v1/connections/{name}/resume") { request in try api.setPaused(request, false) }
        router.add("GET", "/admin/v1/config") { _ in
            guard let config = api.config else { return .error(404, "this node has no configuration to show") }
            return .json(200, config.masked)
        }
        api.registerLinkingRoutes(on: router)
        registerPluginRoutes(on: router)
        registerHistoryRoutes(on: router)
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let host = request.remoteAddress.split(separator: ":").first.map(String.init) ?? ""
        guard host.hasPrefix("127.") || host == "::1" || host == "[::1]" else {
            return .error(403, "the admin API answers on loopback only")
        }
        guard let header = request.headers["Authorization"], header.hasPrefix("Bearer "),
              Digest.constantTimeEqual(Array(header.dropFirst(7).utf8), Array(adminToken.utf8)) else {
            return .error(401, "missing or wrong admin token: pass the node's adminToken as 'Authorization: Bearer …'")
        }
        return router.handle(request)
    }

    private func listErrors() throws -> HTTPResponse {
        let parked = try store.read { try $0.openParked() }
        return .json(200, ["errors": .array(parked.map(Self.json))])
    }

    static func json(_ error: ParkedError) -> JSON {
        [
            "id": .int(error.id), "connection": .string(error.connection), "entity": .string(error.entity),
            "lane": .string(error.lane), "stage": .string(error.stage), "reason": .string(error.reason),
            "createdAt": .string(Timestamp.iso(error.createdAt)),
        ]
    }

    /// Reopens parked lanes: their head is tried again.
    private func retry(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try request.jsonBody()
        let retried: [Int64] = try store.write { tx in
            let targets = body["all"]?.boolValue == true ? try tx.openParked().map(\.id) : [try Self.id(body)]
            var done: [Int64] = []
            for id in targets where try tx.closeParked(id: id, state: "retried") {
                done.append(id)
                try Self.recordOperatorAction(.retried, errorID: id, tx)
            }
            return done
        }
        guard !retried.isEmpty || body["all"]?.boolValue == true else {
            return .error(404, "no open error with id \(body["id"]?.text ?? "?"); `tandem errors list` shows the open ones")
        }
        for connection in connections.values { connection.context.work.signal() }
        return .json(200, ["retried": .array(retried.map(JSON.int))])
    }

    /// Closes a parked lane by skipping its head: the operator handled that
    /// change by hand. Later changes of the entity flow again.
    private func resolve(_ request: HTTPRequest) throws -> HTTPResponse {
        let id = try Self.id(try request.jsonBody())
        let resolved: ParkedError? = try store.write { tx in
            guard let error = try tx.parkedError(id: id), try tx.closeParked(id: id, state: "resolved") else { return nil }
            try Self.recordOperatorAction(.resolved, errorID: id, tx)
            if error.lane.hasPrefix("in:") {
                // The lane's queued replicas were coalesced into the one that
                // failed (the newest stands for all): skip them together.
                try tx.deleteReplicas(connection: error.connection, lane: String(error.lane.dropFirst(3)), upTo: Int64.max)
            } else if error.lane.hasPrefix("out:") {
                try tx.run("DELETE FROM pending WHERE connection = ? AND local_id = ?",
                           [.text(error.connection), .text(String(error.lane.dropFirst(4)))])
            }
            return error
        }
        guard let resolved else { return .error(404, "no open error with id \(id); `tandem errors list` shows the open ones") }
        connections[resolved.connection]?.context.work.signal()
        return .json(200, ["resolved": .int(id), "skipped": .string(resolved.entity)])
    }

    /// Appends the operator's retry or resolve to the parked entity's history.
    private static func recordOperatorAction(_ kind: HistoryEvent.Kind, errorID: Int64, _ tx: StoreTransaction) throws {
        guard let error = try tx.parkedError(id: errorID) else { return }
        let isOutgoing = error.lane.hasPrefix("out:")
        let id = String(error.lane.drop { $0 != ":" }.dropFirst())
        try tx.recordHistory(kind, connection: error.connection, entity: isOutgoing ? id : nil, remote: isOutgoing ? nil : id,
                             ["error": .int(errorID), "stage": .string(error.stage)])
    }

    /// Syncs one entity now: finds it by key and queues it like a change.
    private func sync(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try request.jsonBody()
        let connection = try named(body), name = connection.name, context = connection.context
        guard let key = body["key"]?.stringValue, !key.isEmpty else { return .error(400, "body needs \"key\"") }
        let store = self.store
        let answer = BoundedWait.run(atMost: Self.lookupSeconds, name: "tandem.admin.sync") { () -> HTTPResponse in
            let entity: JSON
            do {
                entity = try connection.instance.call("get", ["key": .string(key)]).json
            } catch let error as PluginCallError where error.kind == .notFound {
                return .error(404, "\(key) does not exist in the tracker of connection '\(name)'")
            } catch {
                return .error(502, "cannot read \(key) from the tracker: \(error)")
            }
            guard let id = entity["id"]?.stringValue else { return .error(502, "the tracker answered \(key) without an id") }
            do {
                if let refusal = try connection.scopeGate.refusal(for: entity, localID: id, announcedBy: "manual", fresh: true) {
                    return .error(409, refusal)
                }
            } catch let error as PluginCallError {
                return .error(502, "cannot ask the tracker whether \(key) matches trigger.query: \(error)")
            } catch {
                return .error(503, "cannot check whether \(key) is in scope: \(error)")
            }
            do {
                try store.write { try $0.notePending(connection: name, localID: id, localKey: key, source: "manual") }
            } catch {
                context.logger.error("cannot queue \(key): \(error)", connection: name, entity: key)
                return .error(503, "cannot queue \(key): the store failed: \(error)")
            }
            context.work.signal()
            return .json(202, ["queued": .string(key), "id": .string(id), "connection": .string(name)])
        }
        // A stalled plugin must not hang the admin API: the lookup goes on and queues the entity when it returns.
        return answer ?? .json(202, ["queued": .string(key), "id": .null, "connection": .string(name),
                                     "note": .string("the plugin has not answered within \(Int(Self.lookupSeconds)) s (see /readyz); \(key) is queued as soon as it does")])
    }

    /// Rebuilds a connection with the peer after this node's store was lost or restored (`ConnectionRecovery`).
    private func recover(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try request.jsonBody()
        let connection = try named(body), name = connection.name
        do {
            let outcome = try ConnectionRecovery(context: connection.context, peer: connection.peer).run()
            return .json(200, ["connection": .string(name), "linked": .int(Int64(outcome.linked)), "rebuilt": .int(Int64(outcome.rebuilt)),
                               "store": store.identity.json])
        } catch {
            return .error(502, error.description)
        }
    }

    /// How long an admin route that calls a plugin (sync, sync/query, connect,
    /// unsync, relink) waits for it before answering without it.
    static let lookupSeconds = 3.0

    private func status() throws -> HTTPResponse {
        let now = Timestamp.now()
        let rows: [JSON] = try connections.keys.sorted().map { name in
            let connection = connections[name]!
            return try store.read { tx in
                let oldest = [try tx.oldestPending(connection: name), try tx.oldestOutbox(connection: name),
                              try tx.oldestInbox(connection: name)].compactMap { $0 }.min()
                return [
                    "name": .string(name), "instance": .string(connection.config.instance),
                    "plugin": .string(connection.instance.plugin.id),
                    "enabled": .bool(connection.config.enabled), "paused": .bool(connection.context.isPaused),
                    "pending": .int(Int64(try tx.pendingCount(connection: name))),
                    "outbox": .int(Int64(try tx.outboxDepth(connection: name))),
                    "inbox": .int(Int64(try tx.inboxDepth(connection: name))),
                    "oldestPendingSeconds": oldest.map { .double(Double(now - $0) / 1000) } ?? .null,
                    "parked": .int(Int64(try tx.openParked(connection: name).count)),
                    "peer": .string(connection.config.peer.url),
                    "conflicts": .int(Int64(ConflictPolicy.Rule.allCases.reduce(0) {
                        $0 + connection.context.metrics.counter("tandem_conflicts_total", ["connection": name, "policy": $1.rawValue])
                    })),
                    // Items done in every stage since start: the console draws throughput from its deltas.
                    "synced": .int(Int64(["outgoing", "incoming", "ack"].reduce(0) {
                        $0 + connection.context.metrics.counter("tandem_syncs_total", ["connection": name, "stage": $1, "outcome": "done"])
                    })),
                    "twins": .int(Int64(try tx.twinCount(connection: name))),
                    "lastSync": try tx.lastSyncedAt(connection: name).map { .string(Timestamp.iso($0)) } ?? .null,
                ]
            }
        }
        return .json(200, ["node": config.map { .string($0.node.name) } ?? .null, "connections": .array(rows)])
    }

    private func setPaused(_ request: HTTPRequest, _ paused: Bool) throws -> HTTPResponse {
        let name = request.pathParameters["name"] ?? ""
        guard let connection = connections[name] else { return .error(404, "no connection '\(name)'") }
        try store.write { try $0.storePause(connection: name, paused: paused) }
        connection.context.setPaused(paused)
        return .json(200, ["connection": .string(name), "paused": .bool(paused)])
    }

    /// The connection a request body names in `connection`; a 404 naming the known ones otherwise.
    func named(_ body: JSON) throws -> Connection {
        guard let name = body["connection"]?.stringValue, let connection = connections[name] else {
            throw HTTPResponseError(.error(404, "no connection '\(body["connection"]?.stringValue ?? "")'; known: \(connections.keys.sorted().joined(separator: ", "))"))
        }
        return connection
    }

    private static func id(_ body: JSON) throws -> Int64 {
        guard let id = body["id"]?.intValue else {
            throw HTTPResponseError(.error(400, "body needs a numeric \"id\" (or \"all\": true)"))
        }
        return Int64(id)
    }
}
