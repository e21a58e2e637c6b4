/// The stages a connection's lane workers run, built once per connection
/// (see `Connection.stages`): one per kind of work item.
struct ConnectionStages {
    /// Pending change → replica → outbox.
    let outgoing: OutgoingStage
    /// Peer replica → tracker write → ack.
    let replicas: ReplicaApplier
    /// Peer ack → twin link and status.
    let acks: AckStage
    /// Peer link, unlink and link-ack messages.
    let links: LinkStage
    /// Parks a message the store holds but cannot decode.
    let failures: FailurePolicy
}
