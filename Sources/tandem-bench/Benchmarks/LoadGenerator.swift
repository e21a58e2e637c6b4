import Foundation
import LocalDeployment
import TandemJSON

/// Drives a `SyncDeployment` for `tandem-bench sync`: Jira edits as fast as
/// the simulator takes them, observation through the simulators' stats.
struct LoadGenerator {
    let deployment: SyncDeployment

    private func stats(_ client: TrackerClient) throws -> (requests: Int, writes: Int) {
        let json = try client.request("GET", "/_sim/stats")
        return (json["requests"]?.intValue ?? 0, json["writes"]?.intValue ?? 0)
    }

    private func serviceNowWrites() throws -> Int { try stats(deployment.serviceNow).writes }

    /// Creates `count` issues and waits until each has its incident.
    /// Asks only for incidents updated since just before the creations, so
    /// the check costs the same beside 100,000 older incidents as beside none.
    func createSynced(_ count: Int, prefix: String) throws -> [String] {
        let since = Date(timeIntervalSinceNow: -2)
        var keys: [String] = []
        for index in 0..<count { keys.append(try deployment.jira.createIssue("\(prefix) \(index)")) }
        let query = "sys_updated_on>=\(Self.serviceNowTime(since))^short_descriptionSTARTSWITH\(prefix)^ORDERBYsys_updated_on"
        let path = "/api/now/table/incident?sysparm_fields=sys_id&sysparm_limit=100000&sysparm_query="
            + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let deadline = Date(timeIntervalSinceNow: 120)
        while Date() < deadline {
            let synced = try deployment.serviceNow.request("GET", path)["result"]?.arrayValue ?? []
            if synced.count >= count { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        deployment.waitUntilIdle(seconds: 60)
        return keys
    }

    private static func serviceNowTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// One edit at a time: time from the Jira edit to the ServiceNow write.
    func latencies(samples: Int) throws -> [Double] {
        let key = try createSynced(1, prefix: "latency")[0]
        var result: [Double] = []
        for index in 0..<samples {
            let before = try serviceNowWrites()
            let start = Date()
            try deployment.jira.editIssue(key, ["summary": .string("latency edit \(index)")])
            while try serviceNowWrites() == before {
                if Date().timeIntervalSince(start) > 10 { throw TrackerClient.Failure(description: "edit \(index) did not arrive within 10 s") }
                usleep(500)
            }
            result.append(Date().timeIntervalSince(start) * 1000)
            deployment.waitUntilIdle(seconds: 10)
        }
        return result
    }

    struct Throughput {
        var edits = 0
        /// ServiceNow writes the nodes made (several queued edits of one issue
        /// are applied as one: replicas are whole-state snapshots).
        var synced = 0
        /// Seconds from the end of the load until both nodes were idle.
        var catchUp = 0.0
        var jiraRequests = 0
        var serviceNowRequests = 0
        /// Of those, the nodes' `trigger.query` checks (`ScopeRequests`).
        var scopeRequests = 0
        var requestsPerChange: Double { synced == 0 ? 0 : Double(jiraRequests + serviceNowRequests - edits) / Double(synced) }
    }

    /// `threads` threads edit `entities` issues for `seconds`; counts what the
    /// nodes wrote to ServiceNow in that window.
    func throughput(entities: Int, seconds: Int, threads: Int, rate: Int) throws -> Throughput {
        let keys = try createSynced(entities, prefix: "load")
        let jiraBefore = try stats(deployment.jira), serviceNowBefore = try stats(deployment.serviceNow)
        let scopeBefore = try ScopeRequests.count(deployment)
        let edits = ManagedCounter()
        let deadline = Date(timeIntervalSinceNow: Double(seconds))
        let group = DispatchGroup()
        for thread in 0..<threads {
            Thread.detachNewThread { [deployment] in
                group.enter()
                defer { group.leave() }
                var index = thread
                // Each thread offers rate/threads edits per second, on a fixed schedule.
                let interval = Double(threads) / Double(max(1, rate))
                var due = Date()
                while Date() < deadline {
                    let key = keys[index % keys.count]
                    if (try? deployment.jira.editIssue(key, ["summary": .string("load \(thread)-\(index)")])) != nil { edits.add(1) }
                    index += threads
                    due += interval
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
            }
        }
        Thread.sleep(forTimeInterval: Double(seconds))
        group.wait()
        let jiraAtEnd = try stats(deployment.jira)
        let loadEnd = Date()
        deployment.waitUntilIdle(seconds: 300)
        let catchUp = Date().timeIntervalSince(loadEnd)
        let serviceNowIdle = try stats(deployment.serviceNow)
        return Throughput(edits: edits.value, synced: serviceNowIdle.writes - serviceNowBefore.writes, catchUp: catchUp,
                          jiraRequests: jiraAtEnd.requests - jiraBefore.requests,
                          serviceNowRequests: serviceNowIdle.requests - serviceNowBefore.requests,
                          scopeRequests: try ScopeRequests.count(deployment) - scopeBefore)
    }

    /// Stops the ServiceNow node, edits until `changes` replicas wait in the
    /// Jira node's outbox, restarts it and times until both nodes are idle.
    func drain(changes: Int, restart: () throws -> Void) throws -> (queued: Int, seconds: Double) {
        let keys = try createSynced(100, prefix: "drain")
        deployment.green.stop()
        var index = 0
        var queued = 0
        let lock = NSLock()
        while queued < changes {
            let group = DispatchGroup()
            for thread in 0..<8 {
                let batchStart = index + thread * 50
                group.enter()
                Thread.detachNewThread { [deployment] in
                    defer { group.leave() }
                    for offset in 0..<50 {
                        let n = batchStart + offset
                        _ = try? deployment.jira.editIssue(keys[n % keys.count], ["summary": .string("drain \(n)")])
                    }
                }
            }
            group.wait()
            index += 400
            lock.withLock { queued = deployment.blueAdmin.depth("outbox") ?? 0 }
            print("  queued \(queued)/\(changes)")
        }
        // Everything noticed and queued before the peer returns: the Jira
        // simulator's webhook deliveries may lag behind the edits.
        while (try? deployment.jira.request("GET", "/_sim/webhooks")["pending"]?.intValue) ?? 0 > 0 {
            Thread.sleep(forTimeInterval: 0.1)
        }
        deployment.waitUntilIdleOnBlue()
        queued = deployment.blueAdmin.depth("outbox") ?? queued
        let start = Date()
        try restart()
        deployment.waitUntilIdle(seconds: 600)
        return (queued, Date().timeIntervalSince(start))
    }
}

extension SyncDeployment {
    /// Waits until the Jira node has turned every noticed change into a queued replica.
    func waitUntilIdleOnBlue(seconds: Double = 120) {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline, blueAdmin.depth("pending") != 0 { Thread.sleep(forTimeInterval: 0.05) }
    }
}

/// A thread-safe counter.
final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ amount: Int) { lock.withLock { count += amount } }
    var value: Int { lock.withLock { count } }
    /// The value before adding one: consecutive numbers across threads.
    func take() -> Int { lock.withLock { defer { count += 1 }; return count } }
}
