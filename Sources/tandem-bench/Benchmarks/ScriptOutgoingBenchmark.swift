import SyncScript
import TandemCLI
import TandemJSON

/// `tandem-bench script`: one typical outgoing script against the same
/// mapping written directly in Swift over `JSON`.
struct ScriptOutgoingBenchmark: Command {
    static let path = ["script"]
    static let summary = "time a typical outgoing script per entity against direct Swift"
    static let help = """
        Usage: tandem-bench script [--iterations N] [--script-only]

        Runs a typical outgoing script (20 field assignments, a status map, the
        comments copied with collect) on one Jira entity, N times (default
        100000), and the same mapping written directly in Swift over JSON.
        Prints microseconds per run for both and their ratio. Each script run
        includes creating the run, binding `issue` and `replica`, and reading
        the replica back as JSON. --script-only times only the script (for a
        profiler). Build with -c release.
        """

    static let source = """
        def statusMap = ["To Do": "1", "In Progress": "2", "Waiting": "3", "Done": "6"]
        replica.key = issue.key
        replica.url = issue.url
        replica.summary = issue.summary
        replica.description = issue.description
        replica.state = statusMap[issue.status.name] ?: "1"
        replica.priority = issue.priority?.name
        replica.assignee = issue.assignee?.email
        replica.reporter = issue.reporter?.email
        replica.labels = issue.labels
        replica.type = issue.issuetype.name
        replica.project = issue.project.key
        replica.environment = issue.environment
        replica.dueDate = issue.duedate
        replica.created = issue.created
        replica.resolution = issue.resolution?.name
        replica.components = issue.components
        replica.fixVersion = issue.fixVersion
        replica.customer = issue.customer
        replica.severity = issue.severity
        replica.team = issue.team
        replica.comments = issue.comments.collect { c ->
            [id: c.id, body: c.body, author: c.author.email, created: c.created]
        }
        """

    static let entity: JSON = [
        "id": "10001", "key": "SUP-12", "type": "issue", "url": "http://jira.example/browse/SUP-12",
        "updated": "2026-11-22T08:00:00.000Z",
        "fields": [
            "summary": "Printer on fire", "description": "Smoke coming out of the second-floor printer.",
            "status": ["id": "3", "name": "In Progress"], "priority": ["id": "2", "name": "High"],
            "assignee": ["id": "u1", "email": "ann@example.com", "name": "Ann Lee"],
            "reporter": ["id": "u7", "email": "raj@example.com", "name": "Raj Patel"],
            "labels": ["hardware", "floor-2"], "issuetype": ["id": "1", "name": "Bug"],
            "project": ["id": "100", "key": "SUP"], "environment": "Office B", "duedate": "2026-12-01",
            "created": "2026-11-20T10:00:00.000Z", "resolution": .null, "components": ["Printers"],
            "fixVersion": "2.4", "customer": "ACME", "severity": "S2", "team": "Facilities",
        ],
        "comments": [
            ["id": "100", "author": ["email": "raj@example.com", "name": "Raj Patel"], "body": "Still smoking.",
             "created": "2026-11-22T07:00:00.000Z", "internal": false],
            ["id": "101", "author": ["email": "ann@example.com", "name": "Ann Lee"], "body": "Vendor called.",
             "created": "2026-11-22T07:30:00.000Z", "internal": false],
            ["id": "102", "author": ["email": "ann@example.com", "name": "Ann Lee"], "body": "Fixed.",
             "created": "2026-11-22T07:45:00.000Z", "internal": false],
        ],
        "attachments": [],
    ]

    /// The same mapping as `source`, by hand.
    static func direct(_ entity: JSON) -> JSON {
        let fields = entity["fields"] ?? .null
        let statusMap: [String: String] = ["To Do": "1", "In Progress": "2", "Waiting": "3", "Done": "6"]
        var replica: [String: JSON] = [:]
        replica["key"] = entity["key"] ?? .null
        replica["url"] = entity["url"] ?? .null
        replica["summary"] = fields["summary"] ?? .null
        replica["description"] = fields["description"] ?? .null
        replica["state"] = .string(fields["status"]?["name"]?.stringValue.flatMap { statusMap[$0] } ?? "1")
        replica["priority"] = fields["priority"]?["name"] ?? .null
        replica["assignee"] = fields["assignee"]?["email"] ?? .null
        replica["reporter"] = fields["reporter"]?["email"] ?? .null
        replica["labels"] = fields["labels"] ?? .null
        replica["type"] = fields["issuetype"]?["name"] ?? .null
        replica["project"] = fields["project"]?["key"] ?? .null
        for name in ["environment", "duedate", "created", "components", "fixVersion", "customer", "severity", "team"] {
            replica[name == "duedate" ? "dueDate" : name] = fields[name] ?? .null
        }
        replica["resolution"] = fields["resolution"]?["name"] ?? .null
        replica["comments"] = .array((entity["comments"]?.arrayValue ?? []).map { comment in
            .object(["id": comment["id"] ?? .null, "body": comment["body"] ?? .null,
                     "author": comment["author"]?["email"] ?? .null, "created": comment["created"] ?? .null])
        })
        return .object(replica)
    }

    static func runScript(_ script: Script) throws -> JSON {
        let run = ScriptRun(script)
        let issue = EntityView(entity, mode: .readOnly)
        run.bind("issue", issue)
        run.bind("entity", issue)
        run.bind("replica", .object([:]))
        try run.run()
        return try run.value("replica") ?? .null
    }

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let iterations = try arguments.intOption("--iterations", in: 1...100_000_000) ?? 100_000
        let scriptOnly = arguments.flag("--script-only")
        try arguments.finish()
        let script = try Script(source: source, file: "benchmark.sync")
        if scriptOnly {
            let nanos = try nanosPerIteration(iterations) { _ = try runScript(script) }
            print("script     \(fixed(nanos / 1000)) µs/run")
            return .success
        }
        let fromScript = try runScript(script)
        guard fromScript == direct(entity) else {
            throw CommandError("the script and the Swift mapping disagree:\n\(fromScript.text)\n\(direct(entity).text)")
        }
        var sink = 0
        let scriptNanos = try nanosPerIteration(iterations) { sink &+= try runScript(script).objectValue?.count ?? 0 }
        let swiftNanos = nanosPerIteration(iterations) { sink &+= direct(entity).objectValue?.count ?? 0 }
        let parseNanos = try nanosPerIteration(max(1, iterations / 10)) { _ = try Script(source: source) }
        print("script outgoing (\(iterations) runs)")
        print("  script     \(fixed(scriptNanos / 1000)) µs/run")
        print("  swift      \(fixed(swiftNanos / 1000)) µs/run")
        print("  ratio      \(fixed(scriptNanos / swiftNanos, 1))x")
        print("  parse      \(fixed(parseNanos / 1000)) µs/script (once per configuration load)")
        if sink == 42 { print("") }
        return .success
    }
}
