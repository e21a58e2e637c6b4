import Dispatch
import Foundation
import SyncScript
import TandemJSON
import XCTest

/// The embedding API: parse once, bind values and host objects, run, read back.
final class ScriptRunTests: XCTestCase {
    func testPlainBinding_isReadBackAsJSONWithTheScriptsChanges() throws {
        let run = ScriptRun(try Script(source: "replica.b = replica.a + 1\nreplica.list = [1, 'x', null]"))
        run.bind("replica", ["a": 41])
        try run.run()
        XCTAssertEqual(try run.value("replica"), ["a": 41, "b": 42, "list": [1, "x", nil]])
    }

    func testNativeMethod_receivesAndReturnsJSON() throws {
        let helper = NativeObject("nodeHelper")
        var received: [JSON] = []
        helper.method("getStatus") { args in
            received = args
            return ["name": args[0], "id": 6]
        }
        let run = ScriptRun(try Script(source: "result = nodeHelper.getStatus('Done', [a: 1]).id"))
        run.bind("nodeHelper", helper)
        try run.run()
        XCTAssertEqual(received, ["Done", ["a": 1]])
        XCTAssertEqual(try run.value("result"), 6)
    }

    func testNativeProperty_getsAndSetsThroughClosures() throws {
        let object = NativeObject("settings")
        var stored: JSON = "old"
        object.property("mode", get: { stored }, set: { stored = $0 })
        let run = ScriptRun(try Script(source: "before = settings.mode\nsettings.mode = 'new'"))
        run.bind("settings", object)
        try run.run()
        XCTAssertEqual(try run.value("before"), "old")
        XCTAssertEqual(stored, "new")
    }

    func testNativePropertyWithoutSetter_isReadOnly() throws {
        let object = NativeObject("settings")
        object.property("mode", get: { "x" })
        let run = ScriptRun(try Script(source: "settings.mode = 'y'"))
        run.bind("settings", object)
        XCTAssertThrowsError(try run.run()) {
            XCTAssertEqual(($0 as? ScriptError)?.message, "settings.mode is read-only")
        }
    }

    func testHostFunction_isCalledByName() throws {
        let run = ScriptRun(try Script(source: "x = twice(21)"))
        run.bind("twice", function: { args in .int(Int64(args[0].intValue! * 2)) })
        try run.run()
        XCTAssertEqual(try run.value("x"), 42)
    }

    func testHostError_endsTheRunWithItsMessageAtTheCall() throws {
        let debug = NativeObject("debug")
        debug.method("error") { args in throw ScriptHostError(args[0].stringValue ?? "") }
        let run = ScriptRun(try Script(source: "def a = 1\ndebug.error('parked: no project')\na = 2", file: "in.sync"))
        run.bind("debug", debug)
        XCTAssertThrowsError(try run.run()) { error in
            let scriptError = error as? ScriptError
            XCTAssertEqual(scriptError?.message, "parked: no project")
            XCTAssertEqual(scriptError?.line, 2)
        }
    }

    func testBindingTheScriptDoesNotUse_isStillReadBack() throws {
        let run = ScriptRun(try Script(source: "def x = 1"))
        run.bind("unused", ["k": true])
        try run.run()
        XCTAssertEqual(try run.value("unused"), ["k": true])
        XCTAssertNil(try run.value("never-bound"))
    }

    func testClosureValue_cannotBeReadBackAsJSON() throws {
        let run = ScriptRun(try Script(source: "handler = { it }"))
        try run.run()
        XCTAssertThrowsError(try run.value("handler")) {
            XCTAssertEqual(($0 as? ScriptError)?.message, "binding 'handler': a closure cannot be converted to JSON")
        }
    }

    func testSelfContainingMap_cannotBeReadBackAsJSON() throws {
        let run = ScriptRun(try Script(source: "m = [:]\nm.me = m"))
        try run.run()
        XCTAssertThrowsError(try run.value("m"))
    }

    func testFreeNames_listBindingsButNotFunctions() throws {
        let script = try Script(source: "def f(x) { x }\nreplica.a = f(issue.key)\ndef local = 1")
        XCTAssertEqual(Set(script.freeNames), ["replica", "issue"])
    }

    func testStepsUsed_countsStatementsAndIterations() throws {
        let run = ScriptRun(try Script(source: "for (x in [1, 2, 3]) { y = x }"))
        try run.run()
        XCTAssertEqual(run.stepsUsed, 7)  // the for, 3 iterations, 3 bodies
    }

    func testOneScript_runsConcurrentlyFromManyThreads() throws {
        let script = try Script(source: """
            def statusMap = [Open: 'New', Done: 'Closed']
            replica.status = statusMap[issue.status] ?: 'Unknown'
            replica.n = n * 2
            """)
        let results = Array<JSON?>(repeating: nil, count: 64)
        let box = ResultsBox(results)
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            let run = ScriptRun(script)
            run.bind("issue", EntityView(["fields": ["status": index % 2 == 0 ? "Open" : "Done"]], mode: .readOnly))
            run.bind("replica", .object([:]))
            run.bind("n", .int(Int64(index)))
            try? run.run()
            box.set(index, try? run.value("replica"))
        }
        for index in 0..<64 {
            XCTAssertEqual(box.get(index), ["status": index % 2 == 0 ? "New" : "Closed", "n": .int(Int64(index * 2))])
        }
    }
}

/// Collects results from concurrent runs.
private final class ResultsBox: @unchecked Sendable {
    private var values: [JSON?]
    private let lock = NSLock()
    init(_ values: [JSON?]) { self.values = values }
    func set(_ index: Int, _ value: JSON?) { lock.lock(); values[index] = value; lock.unlock() }
    func get(_ index: Int) -> JSON? { lock.lock(); defer { lock.unlock() }; return values[index] }
}
