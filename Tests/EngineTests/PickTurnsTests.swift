@testable import NodeHost
import XCTest

/// The order in which a lane worker looks at the inbox and the pending changes.
final class PickTurnsTests: XCTestCase {
    func testWhileBothQueuesHaveWork_EachComesFirstEverySecondPick() {
        var turns = PickTurns()
        let firsts = (0..<6).map { _ in turns.next().first }
        XCTAssertEqual(firsts, [.incoming, .outgoing, .incoming, .outgoing, .incoming, .outgoing])
    }

    func testEveryPick_LooksAtBothQueues() {
        var turns = PickTurns()
        for _ in 0..<4 { XCTAssertEqual(Set(turns.next().map { "\($0)" }), ["incoming", "outgoing"]) }
    }
}
