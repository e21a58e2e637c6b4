// libFuzzer entry for SyncScript: parses the input as a script and, when it
// parses, runs it against a sample entity with host objects bound, in both
// outgoing (read-only issue) and incoming (recording issue) modes.
//
// Any crash, sanitizer report or hang is a bug: every input must end in a
// result or a ScriptError. Built by Fuzz/run.sh (see docs/scripts.md).
import TandemJSON
@testable import SyncScript

private let entity: JSON = [
    "id": "10001", "key": "SUP-12", "type": "issue", "url": "http://jira.example/browse/SUP-12",
    "updated": "2026-11-22T08:00:00.000Z",
    "fields": [
        "summary": "Printer on fire", "description": "Smoke\nand flames",
        "status": ["id": "3", "name": "In Progress"], "priority": ["id": "2", "name": "High"],
        "assignee": ["id": "u1", "email": "a@example.com", "name": "Ann"], "labels": ["ops", "hw"],
        "estimate": 3.5, "count": 7,
    ],
    "comments": [["id": "100", "author": ["name": "Bob", "email": "b@example.com"], "body": "hello", "internal": false]],
    "attachments": [["id": "9", "filename": "log.txt", "mimeType": "text/plain", "size": 120, "sha256": "abc"]],
]

private let limits = Limits(steps: 20_000, callDepth: 200, stringLength: 64 * 1024, collectionSize: 10_000,
                            nesting: Limits.defaultNesting)

private func runOnce(_ script: Script, recording: Bool) {
    let run = ScriptRun(script, limits: limits)
    let issue = EntityView(entity, mode: recording ? .recording : .readOnly)
    run.bind("issue", issue)
    run.bind("entity", issue)
    run.bind("replica", recording ? entity : .object([:]))
    run.bind("previous", .null)
    run.bind("firstSync", .bool(recording))
    let helper = NativeObject("nodeHelper")
    helper.method("getStatus") { args in .object(["name": args.first ?? .null]) }
    helper.method("fail") { _ in throw ScriptHostError("host failure") }
    helper.property("version", get: { .string("1") }, set: { _ in })
    run.bind("nodeHelper", helper)
    run.bind("echo", function: { args in .array(args) })
    do {
        try run.run()
        _ = try run.value("replica")
        _ = issue.changes.serialized()
    } catch let error as ScriptError {
        _ = error.description
    } catch {
        fatalError("run threw a non-ScriptError: \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let script: Script
    do {
        script = try Script(source: source, file: "fuzz.sync")
    } catch let error as ScriptError {
        _ = error.description
        return 0
    } catch {
        fatalError("parse threw a non-ScriptError: \(error)")
    }
    runOnce(script, recording: false)
    runOnce(script, recording: true)
    return 0
}
