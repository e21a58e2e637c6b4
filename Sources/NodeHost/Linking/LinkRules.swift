import TandemJSON
import TandemTime

/// What linking and unlinking do to a twin, the same on both nodes.
///
/// Decisions:
/// - An entity can be linked when it has no twin, or its twin is `unsynced`.
///   One that is twinned, being linked, or whose first replica is on its way
///   (sent, no peer id yet) cannot: it would end with two twins.
/// - A link copies no data: the twins' sent and received replicas, echo
///   hash and field base start empty, so the next change on either side
///   sends its whole replica, as an update of the other entity.
/// - Unsyncing keeps both entities' data and the twin row with the peer's
///   key and url (for the record, and so `tandem sync KEY` can re-link it);
///   the peer's id is cleared so the entity can later be linked elsewhere.
enum LinkRules {
    /// Why `twin`'s entity cannot be linked now; nil when it can.
    static func whyNotLinkable(_ twin: Twin?, label: String) -> String? {
        guard let twin, twin.status != .unsynced else { return nil }
        if twin.status == .linking { return "\(label) is being linked already (waiting for the peer's answer)" }
        if twin.remoteID != nil { return "\(label) is already twinned with \(twin.remoteKey ?? twin.remoteID!)" }
        if twin.lastSentHash != nil { return "\(label) is being synced already (its first replica is on its way to the peer)" }
        return nil
    }

    /// `twin` linked to the peer entity `peer`.
    static func linked(_ twin: Twin, to peer: EntityRef, lastSeq: Int64) -> Twin {
        var linked = twin
        linked.remoteID = peer.id
        linked.remoteKey = peer.key ?? linked.remoteKey
        linked.remoteURL = peer.url ?? linked.remoteURL
        linked.status = .active
        linked.lastAppliedSeq = lastSeq
        linked.lastSentHash = nil
        linked.lastSentReplica = nil
        linked.lastReceivedReplica = nil
        linked.base = nil
        linked.remoteStatus = "linked"
        linked.lastSyncedAt = Timestamp.now()
        return linked
    }

    /// `twin` no longer synced; `why` is kept as its remote status.
    static func unsynced(_ twin: Twin, why: String) -> Twin {
        var unsynced = twin
        unsynced.status = .unsynced
        unsynced.remoteID = nil
        unsynced.remoteStatus = why
        return unsynced
    }
}
