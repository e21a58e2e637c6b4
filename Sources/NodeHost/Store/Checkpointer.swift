import Foundation
import TandemSQL
import TandemThreads

/// Copies the store's WAL into its main file on a thread of its own, so that
/// no commit waits for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses the
/// threshold, and so under the store's lock: every worker waited while tens
/// of megabytes were copied and synced. Here the commit only asks
/// (`committed(walFrames:)`). The thread copies with a connection of its own,
/// beside the commits that go on, and then, under the store's lock, copies
/// the few frames committed meanwhile: a WAL copied whole is started again
/// from its beginning by the next commit, so it does not grow.
///
/// A failed copy is reported as a store fault and tried again at most once
/// a second. Should the thread fall far behind (a copy that keeps failing),
/// the commit that finds four times the threshold in the WAL copies it
/// itself, as SQLite would.
///
/// Thread: `committed` on the committing thread, under the store's lock;
/// the copies on the checkpointer's thread, started at the first request.
final class Checkpointer: @unchecked Sendable {
    private let path: String
    /// WAL frames after which a copy is asked for.
    let frames: Int
    private let faults: StoreFaults
    private let underStoreLock: @Sendable (() -> Void) -> Void
    private let condition = NSCondition()
    private var requested = false
    private var started = false
    private var passes = 0
    private let threads = WorkerGroup(name: "tandem.checkpointer")

    init(path: String, frames: Int, faults: StoreFaults, underStoreLock: @escaping @Sendable (() -> Void) -> Void) {
        self.path = path
        self.frames = frames
        self.faults = faults
        self.underStoreLock = underStoreLock
    }

    /// After a commit, with the frames now in the WAL: asks for a copy past
    /// the threshold. True when the caller must copy at once itself.
    func committed(walFrames: Int) -> Bool {
        guard walFrames >= frames else { return false }
        condition.withLock {
            if !started {
                started = true
                threads.start { [self] _ in run() }
            }
            requested = true
            condition.signal()
        }
        return walFrames >= 4 * frames
    }

    /// Copies made by the thread so far.
    var completed: Int { condition.withLock { passes } }

    func stop() {
        threads.stop { condition.withLock { condition.broadcast() } }
    }

    private func run() {
        var database: Database?
        while true {
            condition.lock()
            while !requested, threads.isRunning { condition.wait() }
            requested = false
            condition.unlock()
            guard threads.isRunning else { return }
            do throws(SQLError) {
                let connection: Database
                if let database {
                    connection = database
                } else {
                    connection = try Database(path: path, synchronous: .normal)
                    database = connection
                }
                try connection.checkpoint()
                var failure: SQLError?
                underStoreLock {
                    do throws(SQLError) { try connection.checkpoint() } catch { failure = error }
                }
                if let failure { throw failure }
                condition.withLock { passes += 1 }
            } catch {
                faults.failed("checkpoint", error)
                // A copy that failed (a full disk) is tried again at most once a second.
                let retry = Date().addingTimeInterval(1)
                condition.withLock {
                    while threads.isRunning, Date() < retry { _ = condition.wait(until: retry) }
                }
            }
        }
    }
}
