@testable import NodeHost
import XCTest

/// The bound on creates per connection that stops a sync loop flooding a tracker.
final class CreationBreakerTests: XCTestCase {
    func testAdmitsUpToTheLimitInOneMinute_ThenRefusesWithTheReason() throws {
        let breaker = CreationBreaker(limit: 3)
        for second in 0..<3 { XCTAssertNil(breaker.admit(now: Int64(second) * 1_000)) }
        let refusal = try XCTUnwrap(breaker.admit(now: 3_000))
        XCTAssertTrue(refusal.contains("3 entities created in the last minute reach maxCreatesPerMinute=3"), refusal)
        XCTAssertTrue(refusal.contains("sync loop"), refusal)
    }

    func testCreatesOlderThanAMinuteNoLongerCount() {
        let breaker = CreationBreaker(limit: 2)
        XCTAssertNil(breaker.admit(now: 0))
        XCTAssertNil(breaker.admit(now: 1_000))
        XCTAssertNotNil(breaker.admit(now: 59_000))
        XCTAssertNil(breaker.admit(now: 60_001), "the create at 0 left the window")
    }

    func testZeroTurnsTheBreakerOff() {
        let breaker = CreationBreaker(limit: 0)
        for index in 0..<10_000 { XCTAssertNil(breaker.admit(now: Int64(index))) }
    }
}
