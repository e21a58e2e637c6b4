import Foundation
import Synchronization
import TandemThreads
import XCTest

/// Long-lived worker threads: started together, stopped and joined together.
final class WorkerGroupTests: XCTestCase {
    func testStopReturnsOnlyAfterEveryBodyHasReturned() {
        let group = WorkerGroup(name: "test.work")
        let finished = Atomic<Int>(0)
        let wake = NSCondition()
        group.start(count: 4) { _ in
            wake.lock()
            while group.isRunning { _ = wake.wait(until: Date(timeIntervalSinceNow: 30)) }
            wake.unlock()
            finished.add(1, ordering: .relaxed)
        }
        group.stop(wake: { wake.lock(); wake.broadcast(); wake.unlock() })
        XCTAssertEqual(finished.load(ordering: .relaxed), 4)
        XCTAssertFalse(group.isRunning)
    }

    func testEachThreadGetsItsIndex() {
        let group = WorkerGroup(name: "test.index")
        let seen = Mutex<Set<Int>>([])
        group.start(count: 3) { index in seen.withLock { _ = $0.insert(index) } }
        group.stop()
        XCTAssertEqual(seen.withLock { $0 }, [0, 1, 2])
    }

    func testStopWithoutStartDoesNothingAndAGroupRestartsAfterStop() {
        let group = WorkerGroup(name: "test.restart")
        group.stop(wake: { XCTFail("nothing to wake") })
        let runs = Atomic<Int>(0)
        for _ in 0..<2 {
            group.start { _ in runs.add(1, ordering: .relaxed) }
            group.stop()
        }
        XCTAssertEqual(runs.load(ordering: .relaxed), 2)
    }

    func testRequestStopThenWaitExitedReturnsTrueOnceEveryBodyReturned() {
        let group = WorkerGroup(name: "test.request")
        let finished = Atomic<Int>(0)
        group.start(count: 3) { _ in
            while group.isRunning { usleep(1_000) }
            finished.add(1, ordering: .relaxed)
        }
        XCTAssertEqual(group.aliveCount, 3)
        group.requestStop()
        XCTAssertFalse(group.isRunning)
        XCTAssertTrue(group.waitExited(timeoutSeconds: 30))
        XCTAssertEqual(finished.load(ordering: .relaxed), 3)
        XCTAssertEqual(group.aliveCount, 0)
    }

    func testWaitExitedGivesUpAtItsTimeoutWhileABodyIsStuck() {
        let group = WorkerGroup(name: "test.stuck")
        let release = DispatchSemaphore(value: 0)
        group.start { _ in release.wait() }  // ignores isRunning, like a plugin call that never returns
        group.requestStop()
        XCTAssertFalse(group.waitExited(timeoutSeconds: 0.05))
        XCTAssertEqual(group.aliveCount, 1)
        release.signal()
        XCTAssertTrue(group.waitExited(timeoutSeconds: 30))
        XCTAssertEqual(group.aliveCount, 0)
    }

    func testAJoinableThreadRunsItsBodyBeforeJoinReturns() throws {
        let ran = Atomic<Bool>(false)
        let thread = try XCTUnwrap(WorkerThread.start(name: "test.one") { ran.store(true, ordering: .relaxed) })
        thread.join()
        XCTAssertTrue(ran.load(ordering: .relaxed))
    }
}
