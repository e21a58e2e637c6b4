import Foundation
import TandemHTTP
import TandemJSON
import TandemTime

/// What the console and `tandem history` read about one entity:
///
///     GET /admin/v1/history?key=K[&connection=C][&limit=N]
///         → {entities: [{connection, twin: {…} | null, errors: […], events: […]}]}
///
/// `K` is a key or id of either side (SUP-12, INC0010001, a sys_id). Every
/// connection that knows the entity answers, or only `C`. 404 when none does.
extension AdminAPI {
    func registerHistoryRoutes(on router: Router) {
        let api = self
        router.add("GET", "/admin/v1/history") { request in try api.history(request) }
    }

    private func history(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let key = request.query("key")?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            return .error(400, "give the entity as ?key=KEY (a key or id of either side)")
        }
        let limitText = request.query("limit") ?? "200"
        guard let limit = Int(limitText), (1...10_000).contains(limit) else {
            return .error(400, "limit must be a number from 1 to 10000, not '\(limitText)'")
        }
        var names = connections.keys.sorted()
        if let only = request.query("connection") {
            guard connections[only] != nil else { return .error(404, "no connection '\(only)'; known: \(names.joined(separator: ", "))") }
            names = [only]
        }
        let found: [JSON] = try store.read { tx in
            try names.compactMap { name -> JSON? in
                let identity = try tx.twinIdentity(connection: name, key: key)
                let twin = try identity.flatMap { try tx.twin(connection: name, localID: $0.local) }
                // Without a twin the key may still be an id events were recorded under.
                let events = try tx.history(connection: name, entity: identity?.local ?? key, remote: identity?.remote ?? key, limit: limit)
                guard twin != nil || !events.isEmpty else { return nil }
                let lanes = Set([twin.map { "out:" + $0.localID }, twin?.remoteID.map { "in:" + $0 }, "out:" + key, "in:" + key].compactMap { $0 })
                let errors = try tx.openParked(connection: name).filter { lanes.contains($0.lane) || $0.entity == key }
                return [
                    "connection": .string(name), "twin": twin.map(Self.json) ?? .null,
                    "errors": .array(errors.map(Self.json)), "events": .array(events.map(\.json)),
                ]
            }
        }
        guard !found.isEmpty else {
            return .error(404, "no connection knows an entity '\(key)' (searched: \(names.joined(separator: ", "))); give a key or id of either side")
        }
        return .json(200, ["key": .string(key), "entities": .array(found)])
    }

    static func json(_ twin: Twin) -> JSON {
        func time(_ ms: Int64?) -> JSON { ms.map { .string(Timestamp.iso($0)) } ?? .null }
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        return [
            "local": ["id": .string(twin.localID), "key": text(twin.localKey), "url": text(twin.localURL)],
            "remote": ["id": text(twin.remoteID), "key": text(twin.remoteKey), "url": text(twin.remoteURL)],
            "status": .string(twin.status.rawValue), "remoteStatus": text(twin.remoteStatus),
            "nextSeq": .int(twin.nextSeq), "lastAppliedSeq": .int(twin.lastAppliedSeq), "lastSyncedAt": time(twin.lastSyncedAt),
            "lastSent": twin.lastSentReplica ?? .null, "lastReceived": twin.lastReceivedReplica ?? .null,
        ]
    }
}
