import Foundation
import SyncScript
import TandemHTTP
import TandemJSON

/// Everything the stages of one connection share.
///
/// Built once at start from the configuration; the mutable parts (pause
/// flag, in-flight creates) are guarded. Thread: any.
final class ConnectionContext: @unchecked Sendable {
    let name: String
    let config: NodeConfig.Connection
    let nodeName: String
    let instance: PluginInstance
    let trackerHTTP: TrackerHTTPService
    let outgoingScript: Script
    let incomingScript: Script
    let store: Store
    let logger: Logger
    let metrics: Metrics
    let signer: RequestSigner
    let peer: PeerClient
    let work = WorkSignal()
    let sendSignal = WorkSignal()
    let locks = LaneLocks()
    let backoff = Backoff()
    let creations: CreationBreaker
    /// The other connections of this node whose peer is this one's (same URL).
    let samePeer: Set<String>

    private let lock = NSLock()
    private var paused: Bool
    private var creating = 0

    init(config: NodeConfig.Connection, nodeName: String, instance: PluginInstance, trackerHTTP: TrackerHTTPService,
         outgoingScript: Script, incomingScript: Script, store: Store, logger: Logger, metrics: Metrics,
         samePeer: Set<String> = []) {
        self.name = config.name
        self.config = config
        self.nodeName = nodeName
        self.instance = instance
        self.trackerHTTP = trackerHTTP
        self.outgoingScript = outgoingScript
        self.incomingScript = incomingScript
        self.store = store
        self.logger = logger
        self.metrics = metrics
        signer = RequestSigner(secret: config.peer.secret)
        peer = PeerClient(connection: config.name, baseURL: config.peer.url, signer: signer, http: HTTPClient(caFile: config.peer.caFile))
        paused = !config.enabled
        creations = CreationBreaker(limit: config.maxCreatesPerMinute)
        self.samePeer = samePeer
    }

    /// A paused connection keeps noticing, scripting and queueing; it only
    /// holds back what it sends, and delivers it on resume.
    var isPaused: Bool { lock.withLock { paused } }

    func setPaused(_ value: Bool) {
        lock.withLock { paused = value }
        sendSignal.signal()
    }

    /// First-sync creates in flight. While any is, new local entities wait,
    /// so the webhook of an entity we are creating cannot race its twin record.
    var createsInFlight: Int { lock.withLock { creating } }

    func beginCreate() { lock.withLock { creating += 1 } }
    func endCreate() { lock.withLock { creating -= 1 } }

    /// Calls an operation if the plugin declares it; nil when it does not.
    func callIfDeclared(_ operation: String, _ input: JSON) throws(PluginCallError) -> PluginOutput? {
        guard instance.plugin.operations.contains(operation) else { return nil }
        return try instance.call(operation, input)
    }

    /// The entity with each comment that came from the peer marked with its
    /// peer id (`remoteId`), from the comment twins. Outgoing scripts carry
    /// it into replicas and `commentHelper.mergeComments` skips such comments,
    /// so a synced comment never travels back.
    ///
    /// A comment an interrupted apply added but could not record yet (an open
    /// comment intent with its body) is marked too, so it is not sent back
    /// as new before the retried apply records it.
    func withCommentTwins(_ entity: JSON, localID: String) -> JSON {
        guard let comments = entity["comments"]?.arrayValue, !comments.isEmpty else { return entity }
        let known: [String: String], intents: [String: String]
        do {
            (known, intents) = try store.read { tx in
                (try tx.commentTwins(connection: name, localEntity: localID), try tx.commentIntents(connection: name, localEntity: localID))
            }
        } catch {
            logger.error("cannot read the comment twins of \(localID); its comments go unmarked: \(error)", connection: name, entity: localID)
            return entity
        }
        guard !known.isEmpty || !intents.isEmpty else { return entity }
        var remoteByLocal = Dictionary(known.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (remote, body) in intents.sorted(by: { $0.key < $1.key }) where known[remote] == nil {
            if let id = comments.first(where: { comment in
                guard let id = comment["id"]?.stringValue, remoteByLocal[id] == nil else { return false }
                return CommentApplier.matches(comment["body"]?.stringValue ?? "", intended: body)
            })?["id"]?.stringValue {
                remoteByLocal[id] = remote
            }
        }
        var annotated = entity
        annotated["comments"] = .array(comments.map { comment in
            guard let id = comment["id"]?.stringValue, let remote = remoteByLocal[id] else { return comment }
            var marked = comment
            marked["remoteId"] = .string(remote)
            return marked
        })
        return annotated
    }
}
