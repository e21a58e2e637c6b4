import TandemHTTP
import TandemJSON

/// The recovering node's side of `tandem recover` (see `PeerRecovery`):
/// asks the peer to trust this store, then rebuilds the links from the
/// peer's twins and queues every linked entity to be sent again.
struct ConnectionRecovery {
    let context: ConnectionContext
    let peer: PeerClient

    struct Outcome: Sendable {
        var linked: Int
        var rebuilt: Int
    }

    func run() throws(RecoveryError) -> Outcome {
        let body = JSON.object(["store": context.store.identity.json]).serialized()
        let response: HTTPResponse
        do {
            response = try peer.send(method: "POST", target: PeerRecovery.path, body: body, contentType: "application/json",
                                             timeoutSeconds: 60)
        } catch {
            throw RecoveryError("the peer \(peer.baseURL) cannot be reached: \(error); start it and run `tandem recover` again")
        }
        guard response.status == 200, let answer = try? JSON(parsing: response.body),
              let peer = StoreIdentity(json: answer["store"]), let twins = answer["twins"]?.arrayValue else {
            throw RecoveryError("the peer refused the recovery (HTTP \(response.status)): \(String(decoding: response.body.prefix(300), as: UTF8.self))")
        }
        let name = context.name
        do {
            let rebuilt: Int = try context.store.write { tx in
                var rebuilt = 0
                // Built before the links were known (as new entities, from stale state): rebuilt below where needed.
                try tx.run("DELETE FROM outbox WHERE connection = ? AND kind = 'replica'", [.text(name)])
                try tx.run("UPDATE twins SET last_sent_hash = NULL, last_sent_replica = NULL WHERE connection = ?", [.text(name)])
                for entry in twins {
                    // The peer's remote side is this node's entity.
                    guard let localID = entry["remote"]?["id"]?.stringValue, let remoteID = entry["local"]?["id"]?.stringValue else { continue }
                    if let holder = try tx.twin(connection: name, remoteID: remoteID), holder.localID != localID {
                        var cleared = holder
                        cleared.remoteID = nil
                        try tx.save(cleared)
                    }
                    var twin = try tx.twin(connection: name, localID: localID) ?? Twin(connection: name, localID: localID)
                    if twin.remoteID != remoteID { rebuilt += 1 }
                    twin.localKey = twin.localKey ?? entry["remote"]?["key"]?.stringValue
                    twin.localURL = twin.localURL ?? entry["remote"]?["url"]?.stringValue
                    twin.remoteID = remoteID
                    twin.remoteKey = entry["local"]?["key"]?.stringValue
                    twin.remoteURL = entry["local"]?["url"]?.stringValue
                    // What the peer has of this entity: an unchanged entity is not sent again.
                    if let received = entry["lastReceived"], received != .null {
                        twin.lastSentReplica = received
                        twin.lastSentHash = ReplicaBuilder.hash(received)
                    }
                    try tx.save(twin)
                }
                try tx.trustPeerStore(connection: name, peer)
                try tx.recovered(connection: name)
                try PeerRecovery.queueLinked(tx, connection: name, linkedOnly: false)
                for parked in try tx.openParked(connection: name) where parked.lane == PeerStoreCheck.parkedLane {
                    try tx.closeParked(id: parked.id, state: "resolved")
                }
                return rebuilt
            }
            context.logger.warn("recovered the connection with the peer's \(twins.count) twins (\(rebuilt) links rebuilt); resending every linked entity",
                                connection: name)
            context.work.signal()
            context.sendSignal.signal()
            return Outcome(linked: twins.count, rebuilt: rebuilt)
        } catch {
            throw RecoveryError("the peer trusts this store now, but the links could not be written here: \(error); run `tandem recover` again")
        }
    }
}

struct RecoveryError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
