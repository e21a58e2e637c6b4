import Foundation
import SyncScript
import TandemJSON
import XCTest

/// Each sandbox limit: its default, and that exceeding it ends the run with a
/// limit error instead of a hang or a crash. (The defaults are exercised by
/// the golden files in Fixtures/lang/limit/.)
final class LimitsTests: XCTestCase {
    private func limitMessage(_ source: String, _ limits: Limits) -> String? {
        Self.limitMessage(source, limits)
    }

    private static func limitMessage(_ source: String, _ limits: Limits) -> String? {
        do {
            let run = ScriptRun(try Script(source: source, limits: limits), limits: limits)
            try run.run()
            return nil
        } catch let error as ScriptError {
            XCTAssertEqual(error.kind, .limit, error.description)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func testDefaults_areTheDocumentedValues() {
        XCTAssertEqual(Limits.defaultSteps, 1_000_000)
        XCTAssertEqual(Limits.defaultCallDepth, 200)
        XCTAssertEqual(Limits.defaultStringLength, 1_048_576)
        XCTAssertEqual(Limits.defaultCollectionSize, 100_000)
        XCTAssertEqual(Limits.defaultNesting, 100)
        XCTAssertEqual(Limits(), Limits(steps: 1_000_000, callDepth: 200, stringLength: 1_048_576,
                                        collectionSize: 100_000, nesting: 100))
    }

    func testStepLimit_stopsALongLoop() {
        XCTAssertEqual(limitMessage("def i = 0\nwhile (i < 1000) { i += 1 }", Limits(steps: 100)),
                       "step limit of 100 reached; the script runs too long (an endless loop?)")
    }

    func testStepLimit_countsClosureCallsOfCollectionMethods() {
        XCTAssertNotNil(limitMessage("def xs = [1]\nfor (i in [1,2,3,4,5,6,7,8,9,10]) { xs.collect { it } }",
                                     Limits(steps: 20)))
    }

    func testStepLimit_allowsAScriptWithinIt() {
        XCTAssertNil(limitMessage("def i = 0\nwhile (i < 10) { i += 1 }", Limits(steps: 100)))
    }

    func testBuildingManyBigStrings_runsOutOfStepsBeforeMemory() {
        XCTAssertEqual(limitMessage("""
            def kept = []
            def i = 0
            while (true) { kept.add("x" * 1000000 + i); i += 1 }
            """, Limits()), "step limit of 1000000 reached; the script runs too long (an endless loop?)")
    }

    func testCopyingBigLists_runsOutOfSteps() {
        XCTAssertNotNil(limitMessage("""
            def big = []
            while (big.size() < 50000) { big.add(1) }
            def kept = []
            while (true) { kept.add(big + [0]) }
            """, Limits()))
    }

    func testCallDepth_stopsDeepRecursion() {
        XCTAssertEqual(limitMessage("def f(n) { n == 0 ? 0 : f(n - 1) }\nf(10)", Limits(callDepth: 5)),
                       "call depth limit of 5 reached (endless recursion?)")
    }

    func testCallDepth_countsClosures() {
        XCTAssertNotNil(limitMessage("def f\nf = { n -> f(n + 1) }\nf(0)", Limits(callDepth: 50)))
    }

    func testStringLength_stopsAGrowingString() {
        XCTAssertEqual(limitMessage("def s = 'x' * 11", Limits(stringLength: 10)),
                       "string longer than the limit of 10 bytes")
    }

    func testStringLength_coversInterpolationAndJoin() {
        XCTAssertNotNil(limitMessage("def s = 'abcdef'\ndef t = \"${s}${s}\"", Limits(stringLength: 10)))
        XCTAssertNotNil(limitMessage("def t = ['abcdef', 'abcdef'].join()", Limits(stringLength: 10)))
    }

    func testCollectionSize_stopsAGrowingList() {
        XCTAssertEqual(limitMessage("def xs = [1, 2, 3, 4]", Limits(collectionSize: 3)),
                       "collection larger than the limit of 3 elements")
    }

    func testCollectionSize_stopsAGrowingMap() {
        XCTAssertNotNil(limitMessage("def m = [:]\nfor (k in ['a', 'b', 'c', 'd']) { m[k] = 1 }", Limits(collectionSize: 3)))
    }

    func testNesting_stopsDeepParentheses() {
        XCTAssertNotNil(limitMessage("def x = ((((((1))))))", Limits(nesting: 5)))
    }

    func testNesting_stopsALongOperatorChain() {
        let chain = "def x = 1" + String(repeating: " + 1", count: 5000)
        XCTAssertEqual(limitMessage(chain, Limits()),
                       "script nested deeper than 100 levels; split the expression or use variables")
    }

    func testNesting_stopsDeeplyNestedStrings() {
        let nested = String(repeating: "\"${", count: 200) + "1" + String(repeating: "}\"", count: 200)
        XCTAssertNotNil(limitMessage("def s = " + nested, Limits()))
    }

    /// A 512 KiB thread and a huge call-depth limit: the native-stack guard
    /// must stop the recursion before the stack runs out.
    func testDeepRecursionOnASmallStack_stopsWithADepthError() {
        let result = ResultBox()
        let thread = Thread {
            result.message = Self.limitMessage("def f(n) { 1 + f(n + 1) }\nf(0)", Limits(steps: 10_000_000, callDepth: 1_000_000))
            result.done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        result.done.wait()
        XCTAssertEqual(result.message, "call depth too large for the native stack (endless recursion?)")
    }

    func testLongClosureChain_isReleasedWithoutOverflow() {
        XCTAssertNil(limitMessage("""
            def wrap(inner) { return { -> inner } }
            def chain = null
            def i = 0
            while (i < 100000) { chain = wrap(chain); i += 1 }
            """, Limits()))
    }

    func testDeeplyNestedValue_isReleasedWithoutOverflow() {
        XCTAssertNil(limitMessage("""
            def root = [:]
            def node = root
            def i = 0
            while (i < 100000) { def next = [:]; node.child = next; node = next; i += 1 }
            """, Limits()))
    }
}

private final class ResultBox: @unchecked Sendable {
    var message: String?
    let done = DispatchSemaphore(value: 0)
}
