import Foundation
import NodeHost
import SyncScript
import TandemCLI
import TandemJSON

/// `tandem script test`: runs a script against local JSON files, touching no tracker.
struct ScriptTestCommand: Command {
    static let path = ["script", "test"]
    static let summary = "dry-run an outgoing or incoming script on an entity JSON file"
    static let help = """
        Usage: tandem script test --script FILE --entity ENTITY.json
                                  [--replica REPLICA.json] [--previous PREVIOUS.json]
                                  [--direction outgoing|incoming]

        Runs a SyncScript once, without a node or a tracker, and prints the result
        as JSON on standard output:
          outgoing (default)  `issue` is ENTITY.json (read-only) and `replica` starts
                              as REPLICA.json or {}; prints the replica.
          incoming            `replica` is REPLICA.json (required), `previous` is
                              PREVIOUS.json or null, `firstSync` is true when
                              --previous is absent, and `issue` records what the
                              script assigns; prints the recorded changes
                              {"fields": {...}, "comments": [...], ...}.

        Dry-run helpers: commentHelper.mergeComments(issue, replica),
        attachmentHelper.mergeAttachments(issue, replica), nodeHelper.getStatus(name),
        nodeHelper.getPriority(name), nodeHelper.getUserByEmail(email) (these return
        [name: …] / [email: …] as given), debug.error(message) (ends the run with
        that error), log.info(…) and log.warn(…) (to standard error).

        Exits 1 with file:line:column, the source line and a caret on any script
        error; 2 when a file cannot be read or is not JSON.

        Example:
          tandem script test --script jira-outgoing.sync --entity SUP-12.json
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        guard let scriptPath = try arguments.option("--script") else {
            throw CommandError.usage("missing --script FILE (the script to run)")
        }
        guard let entityPath = try arguments.option("--entity") else {
            throw CommandError.usage("missing --entity ENTITY.json (the entity the script sees as `issue`)")
        }
        let replicaPath = try arguments.option("--replica")
        let previousPath = try arguments.option("--previous")
        let direction = try arguments.option("--direction") ?? "outgoing"
        try arguments.finish()
        guard direction == "outgoing" || direction == "incoming" else {
            throw CommandError.usage("--direction must be 'outgoing' or 'incoming', not '\(direction)'")
        }
        let incoming = direction == "incoming"
        if incoming && replicaPath == nil {
            throw CommandError.usage("an incoming script needs --replica REPLICA.json (what the other side sent)")
        }

        let source = try readText(scriptPath, "script")
        let entityJSON = try readJSON(entityPath, "entity")
        guard entityJSON.objectValue != nil else {
            throw CommandError("\(entityPath): the entity must be a JSON object", exitCode: .validationFailure)
        }
        let replica = try replicaPath.map { try readJSON($0, "replica") }
        let previous = try previousPath.map { try readJSON($0, "previous replica") }

        do {
            let script = try Script(source: source, file: scriptPath)
            let run = ScriptRun(script)
            let entity = EntityView(entityJSON, mode: incoming ? .recording : .readOnly)
            run.bind("issue", entity)
            run.bind("entity", entity)
            run.bind("replica", replica ?? .object([:]))
            if incoming {
                run.bind("previous", previous ?? .null)
                run.bind("firstSync", .bool(previous == nil))
            }
            let host = DryRunScriptHost { level, text in printError("\(level.rawValue): \(text)") }
            ScriptHelpers.bindLogAndDebug(into: run, host: host)
            ScriptHelpers.bindIncoming(into: run, host: host)
            try run.run()
            let output = incoming ? entity.changes : (try run.value("replica") ?? .null)
            print(output.text)
            return .success
        } catch let error as ScriptError {
            throw CommandError(error.description)
        }
    }

    private static func readText(_ path: String, _ what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError("cannot read the \(what) file '\(path)'; check the path", exitCode: .validationFailure)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandError("the \(what) file '\(path)' is not UTF-8 text", exitCode: .validationFailure)
        }
        return text
    }

    private static func readJSON(_ path: String, _ what: String) throws -> JSON {
        let text = try readText(path, what)
        do {
            return try JSON(parsing: text)
        } catch {
            throw CommandError("the \(what) file '\(path)' is not valid JSON: \(error)", exitCode: .validationFailure)
        }
    }
}
