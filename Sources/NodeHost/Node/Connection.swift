import SyncScript
import TandemHTTP

/// One configured connection as this node runs it: its configuration, the
/// run-time state its stages share (`context`), and what the stages are
/// built from. Only the node's composition code (Node, ConnectionWorkers)
/// and the request handlers that address a connection by name (peer, admin,
/// webhook routes) hold one; a stage receives only what it uses.
///
/// Built once at start (and at a reload that changes the connection).
final class Connection: @unchecked Sendable {
    let config: NodeConfig.Connection
    let context: ConnectionContext
    let instance: PluginInstance
    /// How this node names itself to the peer (hello, link refusals).
    let nodeName: String
    let signer: RequestSigner
    /// Every signed request to the peer node.
    let peer: PeerClient
    let outgoingScript: Script
    let incomingScript: Script
    /// Lives as long as the connection, so a restart of its workers keeps the count.
    let creations: CreationBreaker
    /// The other connections of this node over the same instance towards the same peer (see LoopGuard).
    let samePeer: Set<String>

    var name: String { config.name }

    init(config: NodeConfig.Connection, nodeName: String, instance: PluginInstance, outgoingScript: Script, incomingScript: Script,
         store: Store, logger: Logger, metrics: Metrics, samePeer: Set<String> = [], creates: CreateLedger) {
        self.config = config
        self.nodeName = nodeName
        self.instance = instance
        self.outgoingScript = outgoingScript
        self.incomingScript = incomingScript
        self.samePeer = samePeer
        context = ConnectionContext(name: config.name, store: store, logger: logger, metrics: metrics, paused: !config.enabled,
                                    creates: creates)
        signer = RequestSigner(secret: config.peer.secret)
        peer = PeerClient(connection: config.name, baseURL: config.peer.url, signer: signer, http: HTTPClient(caFile: config.peer.caFile))
        creations = CreationBreaker(limit: config.maxCreatesPerMinute)
    }

    /// The scope check, as the outgoing stage and `tandem sync KEY` run it.
    var scopeGate: ScopeGate { ScopeGate(context: context, instance: instance, trigger: config.trigger) }

    /// `tandem connect`, `unsync` and the re-link of `sync KEY`.
    var linker: Linker { Linker(context: context, instance: instance, instanceName: config.instance) }

    /// `tandem sync --query`.
    var bulkSync: BulkSync { BulkSync(context: context, instance: instance, triggerQuery: config.trigger.query) }

    /// The stages of this connection, wired: each gets what it uses.
    func stages() -> ConnectionStages {
        let failures = FailurePolicy(context: context)
        let builder = ReplicaBuilder(context: context, script: outgoingScript, instance: instance)
        let stance = ConflictStance(policy: config.conflicts, node: nodeName)
        return ConnectionStages(
            outgoing: OutgoingStage(
                context: context, instance: instance, scope: scopeGate,
                hasher: AttachmentHasher(context: context, instance: instance, maxBytes: config.maxAttachmentBytes),
                builder: builder, loopGuard: LoopGuard(samePeer: samePeer), stance: stance, failures: failures),
            replicas: ReplicaApplier(
                context: context, instance: instance, script: incomingScript, conflictPolicy: config.conflicts, stance: stance,
                builder: builder,
                creator: EntityCreator(context: context, instance: instance, creations: creations),
                comments: CommentApplier(context: context, instance: instance),
                attachments: AttachmentApplier(context: context, instance: instance, peer: peer, maxBytes: config.maxAttachmentBytes),
                failures: failures),
            acks: AckStage(context: context, failures: failures),
            links: LinkStage(context: context, instance: instance, nodeName: nodeName, failures: failures),
            failures: failures)
    }
}
