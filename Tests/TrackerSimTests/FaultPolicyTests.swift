@testable import TrackerSim
import TandemJSON
import XCTest

final class FaultPolicyTests: XCTestCase {
    func testApplying_PartialUpdate_KeepsOtherMembers() throws {
        let policy = try FaultPolicy(rateLimitPerSecond: 5, failRate: 0.5, latencyMilliseconds: 10).applying(["failRate": 0])
        XCTAssertEqual(policy, FaultPolicy(rateLimitPerSecond: 5, failRate: 0, latencyMilliseconds: 10))
    }

    func testApplying_NullRateLimit_RemovesLimit() throws {
        XCTAssertNil(try FaultPolicy(rateLimitPerSecond: 5).applying(["rateLimit": nil]).rateLimitPerSecond)
    }

    func testApplying_OutOfRangeFailRate_Throws() {
        XCTAssertThrowsError(try FaultPolicy().applying(["failRate": 1.5]))
    }

    func testApplying_UnknownMember_Throws() {
        XCTAssertThrowsError(try FaultPolicy().applying(["latency": 5]))
    }

    func testRateLimit_AllowsNPerSecondThenLimits() {
        let injector = FaultInjector(policy: FaultPolicy(rateLimitPerSecond: 2))
        let second: Int64 = 1_700_000_000_000
        XCTAssertEqual(injector.decide(nowMillis: second), .pass)
        XCTAssertEqual(injector.decide(nowMillis: second + 10), .pass)
        XCTAssertEqual(injector.decide(nowMillis: second + 20), .rateLimited(retryAfterSeconds: 1))
        XCTAssertEqual(injector.decide(nowMillis: second + 1000), .pass)
    }

    func testFailRateOne_FailsEveryRequest() {
        let injector = FaultInjector(policy: FaultPolicy(failRate: 1))
        XCTAssertEqual((0..<20).map { _ in injector.decide(nowMillis: 0) }, Array(repeating: .fail, count: 20))
    }

    func testFailRateHalf_FailsSomeButNotAll() {
        let injector = FaultInjector(policy: FaultPolicy(failRate: 0.5))
        let failures = (0..<200).filter { _ in injector.decide(nowMillis: 0) == .fail }.count
        XCTAssertTrue((50...150).contains(failures), "\(failures)")
    }
}
