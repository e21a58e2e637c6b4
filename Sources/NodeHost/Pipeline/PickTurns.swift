/// The order in which a lane worker's pick looks at the connection's two
/// queues, alternating from one pick to the next.
///
/// Inbox first on every pick let a backlog of the peer's replicas (more
/// runnable lanes than workers) hold every local change back until it was
/// drained: with both trackers busy, one direction stopped. Alternating
/// gives each queue at least every second pick while both have work; a
/// queue with nothing runnable passes its turn to the other at once.
struct PickTurns {
    enum Source: Equatable { case incoming, outgoing }

    private var picks = 0

    /// The queues to look at for the next pick, in order.
    mutating func next() -> [Source] {
        defer { picks &+= 1 }
        return picks % 2 == 0 ? [.incoming, .outgoing] : [.outgoing, .incoming]
    }
}
