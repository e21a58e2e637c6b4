import Foundation
import LocalDeployment
import TandemCLI
import TandemJSON
import TrackerSim

/// `tandem-bench sims`: what a write and a poll's search page cost each
/// simulator with 200 records and with N, in one run: a cost that grows with
/// the number of records shows as the two columns drifting apart.
struct SimScaleBenchmark: Command {
    static let path = ["sims"]
    static let summary = "simulator write and search-page cost at 200 and at N records"
    static let help = """
        Usage: tandem-bench sims [--records N] [--samples N] [--threads N]

        Starts the Jira and ServiceNow simulators in this process (in-memory
        stores) and, at 200 records and again at N (default 100000), times
        over loopback HTTP: an edit (mean of --samples, default 300, over 10
        records), and one page of the connectors' poll search over the changes
        since the creations (`updated >= <minute> ORDER BY updated ASC, key
        ASC`, 100 results; ServiceNow the same with `sys_updated_on`), mean of
        the same samples. Each size waits for the next minute first. Records are created
        with --threads (default 4) clients.
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let records = try arguments.intOption("--records", in: 201...1_000_000) ?? 100_000
        let samples = try arguments.intOption("--samples", in: 1...100_000) ?? 300
        let threads = try arguments.intOption("--threads", in: 1...64) ?? 4
        try arguments.finish()
        let started = Date()
        let jira = try JiraSimulator(configuration: JiraSimulatorConfiguration(user: "bench", password: "bench"))
        try jira.start()
        defer { jira.stop() }
        let now = try ServiceNowSimulator(configuration: ServiceNowSimulatorConfiguration(user: "bench", password: "bench"))
        try now.start()
        defer { now.stop() }
        let jiraClient = TrackerClient(baseURL: jira.baseURL, user: "bench", password: "bench")
        let nowClient = TrackerClient(baseURL: now.baseURL, user: "bench", password: "bench")
        var rows: [[String]] = [], cpuRows: [[String]] = []
        var created = 0
        for target in [200, records] {
            try create(from: created, to: target, threads: threads) { client, index in
                _ = try client.createIssue("sim scale \(index)")
            } clients: { TrackerClient(baseURL: jira.baseURL, user: "bench", password: "bench") }
            try create(from: created, to: target, threads: threads) { client, index in
                _ = try client.createIncident("sim scale \(index)")
            } clients: { TrackerClient(baseURL: now.baseURL, user: "bench", password: "bench") }
            created = target
            // A poll asks for what changed since its cursor: start the window
            // after the creations (JQL literals have minute resolution), so it
            // holds the edits below and not the records just created.
            Thread.sleep(forTimeInterval: 60.5 - Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60))
            let since = Date()
            let jql = "project = SUP AND updated >= \"\(minute(since))\" ORDER BY updated ASC, key ASC"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let snQuery = "sys_updated_on>=\(second(since))^ORDERBYsys_updated_on^ORDERBYsys_id"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let incidents = try (0..<10).map { _ in try nowClient.createIncident("edited")["sys_id"]?.stringValue ?? "" }
            let keys = try (0..<10).map { _ in try jiraClient.createIssue("edited") }
            let costs = [
                try micros(samples) { try jiraClient.editIssue(keys[$0 % 10], ["summary": .string("edit \($0)")]) },
                try micros(samples) { _ in try jiraClient.request("GET", "/rest/api/2/search?jql=\(jql)&maxResults=100&fields=updated") },
                try micros(samples) { try nowClient.updateIncident(incidents[$0 % 10], ["short_description": .string("edit \($0)")]) },
                try micros(samples) { _ in
                    try nowClient.request("GET", "/api/now/table/incident?sysparm_query=\(snQuery)&sysparm_limit=100&sysparm_fields=sys_id,sys_updated_on&sysparm_no_count=true")
                },
            ]
            rows.append(["\(target)"] + costs.map { fixed($0.wall, 0) })
            cpuRows.append(["\(target)"] + costs.map { fixed($0.cpu, 0) })
            print("  \(target) records each: done")
        }
        let header = ["records", "Jira edit", "Jira poll page", "SN edit", "SN poll page"]
        print("µs per request over loopback (mean of \(samples))")
        for row in [header] + rows { print(row.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined()) }
        // Less sensitive to other load on the machine than the wall clock.
        print("CPU µs of this process (client and simulator) per request")
        for row in [header] + cpuRows { print(row.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined()) }
        print("total run time \(fixed(Date().timeIntervalSince(started), 0)) s")
        return .success
    }

    private static func create(from: Int, to: Int, threads: Int, _ body: @escaping @Sendable (TrackerClient, Int) throws -> Void,
                               clients: @escaping @Sendable () -> TrackerClient) throws {
        let next = ManagedCounter(), failures = ManagedCounter()
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let client = clients()
                while true {
                    let index = from + next.take()
                    if index >= to { return }
                    do { try body(client, index) } catch { failures.add(1) }
                }
            }
        }
        group.wait()
        if failures.value > 0 { throw CommandError("\(failures.value) creations failed") }
    }

    /// Mean wall-clock and process CPU microseconds per call of `body`.
    private static func micros(_ samples: Int, _ body: (Int) throws -> Void) throws -> (wall: Double, cpu: Double) {
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuMicros()
        for index in 0..<samples { try body(index) }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / Double(samples) / 1000,
                (cpuMicros() - cpuStart) / Double(samples))
    }

    private static func cpuMicros() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1e6 + Double(spec.tv_nsec) / 1000
    }

    private static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy/MM/dd HH:mm"
        return formatter.string(from: date)
    }

    private static func second(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }
}
