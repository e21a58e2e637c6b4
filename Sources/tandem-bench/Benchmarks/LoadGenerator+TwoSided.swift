import Foundation
import LocalDeployment
import TandemJSON

extension LoadGenerator {
    /// What both trackers saw while people edited and commented on both sides.
    struct TwoSided {
        /// Changes the load made (edits and comments, both trackers).
        var changes = 0
        /// Tracker writes the nodes made (both trackers): each is one distinct
        /// write of one entity, however many queued changes it carried.
        var nodeWrites = 0
        /// Seconds from the end of the load until both nodes were idle.
        var catchUp = 0.0
    }

    /// `threads` threads (half on Jira, half on ServiceNow) edit summaries and
    /// add comments on `entities` linked pairs at `rate` changes a second for
    /// `seconds`; counts the nodes' own writes to both trackers until idle.
    func twoSidedThroughput(entities: Int, seconds: Int, threads: Int, rate: Int) throws -> TwoSided {
        let keys = try createSynced(entities, prefix: "both")
        let sysIDs = try deployment.serviceNow.incidents()
            .filter { $0["short_description"]?.stringValue?.hasPrefix("both ") == true }
            .compactMap { $0["sys_id"]?.stringValue }
        guard !sysIDs.isEmpty else { throw TrackerClient.Failure(description: "no incident of the two-sided load reached ServiceNow") }
        let before = (jira: try deployment.jira.writes(), serviceNow: try deployment.serviceNow.writes())
        let changes = ManagedCounter()
        let deadline = Date(timeIntervalSinceNow: Double(seconds))
        let group = DispatchGroup()
        let threads = max(2, threads)
        for thread in 0..<threads {
            group.enter()
            Thread.detachNewThread { [deployment] in
                defer { group.leave() }
                let interval = Double(threads) / Double(max(1, rate))
                var due = Date()
                var index = thread
                while Date() < deadline {
                    // Even threads are Jira's people, odd ones ServiceNow's; every third change is a comment.
                    let comment = index % 3 == 0
                    let done: Void? = if thread % 2 == 0 {
                        comment ? try? deployment.jira.commentIssue(keys[index % keys.count], "both comment \(thread)-\(index)")
                                : try? deployment.jira.editIssue(keys[index % keys.count], ["summary": .string("both \(thread)-\(index)")])
                    } else {
                        try? deployment.serviceNow.updateIncident(sysIDs[index % sysIDs.count],
                                                                  comment ? ["comments": .string("both comment \(thread)-\(index)")]
                                                                          : ["short_description": .string("both \(thread)-\(index)")])
                    }
                    if done != nil { changes.add(1) }
                    index += threads
                    due += interval
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
            }
        }
        group.wait()
        let loadEnd = Date()
        deployment.waitUntilIdle(seconds: 300)
        let catchUp = Date().timeIntervalSince(loadEnd)
        let after = (jira: try deployment.jira.writes(), serviceNow: try deployment.serviceNow.writes())
        let trackerWrites = (after.jira - before.jira) + (after.serviceNow - before.serviceNow)
        return TwoSided(changes: changes.value, nodeWrites: trackerWrites - changes.value, catchUp: catchUp)
    }

    /// Writes a second each simulator serves alone: `threads` threads PATCH
    /// incidents (and PUT issues) as fast as answers come, for `seconds`.
    /// Run with both nodes stopped, so nothing else writes meanwhile.
    /// The writes go round a pool of `entities` records, as the load's do:
    /// thousands of edits of one record would measure the growth of its
    /// change history instead.
    func writeCeiling(seconds: Double, threads: Int, entities: Int) throws -> (jira: Double, serviceNow: Double) {
        let pool = max(1, entities)
        let incidents = try (0..<pool).map { try deployment.serviceNow.createIncident("ceiling \($0)")["sys_id"]?.stringValue ?? "" }
        let issues = try (0..<pool).map { try deployment.jira.createIssue("ceiling \($0)") }
        let measure = { (write: @escaping @Sendable (Int) throws -> Void) -> Double in
            let count = ManagedCounter()
            let deadline = Date(timeIntervalSinceNow: seconds)
            let group = DispatchGroup()
            for thread in 0..<threads {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    var index = thread
                    while Date() < deadline {
                        if (try? write(index)) != nil { count.add(1) }
                        index += threads
                    }
                }
            }
            group.wait()
            return Double(count.value) / seconds
        }
        let serviceNow = measure { [deployment] index in
            try deployment.serviceNow.updateIncident(incidents[index % pool], ["short_description": .string("ceiling \(index)")])
        }
        let jira = measure { [deployment] index in
            try deployment.jira.editIssue(issues[index % pool], ["summary": .string("ceiling \(index)")])
        }
        return (jira, serviceNow)
    }
}
