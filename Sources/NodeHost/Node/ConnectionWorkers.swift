import Foundation
import TandemThreads

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

    static func start(_ connection: Connection) -> ConnectionWorkers {
        let context = connection.context
        let scheduler = LaneScheduler(context: context, workers: connection.config.workers, stages: connection.stages())
        scheduler.start()
        let sender = PeerSender(context: context, peer: connection.peer, peerConfig: connection.config.peer)
        sender.start()
        let poller = Poller(context: context, instance: connection.instance, trigger: connection.config.trigger)
        poller?.start()
        return ConnectionWorkers(scheduler: scheduler, sender: sender, poller: poller)
    }

    /// Asks every thread to stop after the step in hand, triggering first.
    func requestStop() {
        poller?.requestStop()
        scheduler.requestStop()
        sender.requestStop()
    }

    /// Stops and waits for the threads until `deadline`; returns how many are
    /// still busy then (in a tracker or peer call, left to finish or to the
    /// process exit: every step is crash-safe).
    @discardableResult
    func stop(until deadline: Date = .distantFuture) -> Int {
        requestStop()
        let groups = [poller?.threads, scheduler.threads, sender.threads].compactMap { $0 }
        for group in groups { group.waitExited(timeoutSeconds: deadline.timeIntervalSinceNow) }
        return groups.reduce(0) { $0 + $1.aliveCount }
    }
}
