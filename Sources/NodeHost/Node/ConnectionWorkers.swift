/// The threads that move one connection's work: its lane scheduler, its peer
/// sender and, when it polls, its poller.
///
/// Invariant: started together and stopped together, so a connection is
/// either fully running or not running at all; stopping finishes the item in
/// hand and leaves queued work in the store.
struct ConnectionWorkers {
    let scheduler: LaneScheduler
    let sender: PeerSender
    let poller: Poller?

    static func start(_ context: ConnectionContext) -> ConnectionWorkers {
        let scheduler = LaneScheduler(context: context)
        scheduler.start()
        let sender = PeerSender(context: context)
        sender.start()
        let poller = context.config.trigger.pollSeconds.map { Poller(context: context, interval: $0) }
        poller?.start()
        return ConnectionWorkers(scheduler: scheduler, sender: sender, poller: poller)
    }

    /// Stops triggering first, then the workers.
    func stop() {
        poller?.stop()
        scheduler.stop()
        sender.stop()
    }
}
