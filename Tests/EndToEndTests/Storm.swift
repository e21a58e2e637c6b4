import Foundation
import TandemJSON
import TestSupport

/// The changes of the kill test and what must come of them.
///
/// In Jira: 20 issues, each created, edited 12 times, commented 11 times and
/// given one attachment (500 changes), made round robin over the issues so
/// every issue changes all through the run. In ServiceNow: 5 replies to each
/// incident once it exists. Every change must arrive once on the other side.
final class Storm: @unchecked Sendable {
    enum Kind { case create, edit(Int), comment(String), attach(String) }
    let issues: Int
    let jira: TrackerClient
    let serviceNow: TrackerClient
    static let rounds = 25  // 1 create, 12 edits, 11 comments, 1 attachment
    static let replyRounds = 5
    private let keys = Locked<[Int: String]>([:])
    private let failed = Locked<[String]>([])

    init(issues: Int, jira: TrackerClient, serviceNow: TrackerClient) {
        self.issues = issues
        self.jira = jira
        self.serviceNow = serviceNow
    }

    func summary(_ issue: Int, revision: Int) -> String { "storm \(issue) rev \(revision)" }
    func finalSummary(_ issue: Int) -> String { summary(issue, revision: Self.rounds - 2) }
    func comments(_ issue: Int) -> [String] {
        (2..<Self.rounds).filter { $0 % 2 == 0 && $0 != 12 }.map { "storm \(issue) comment \($0)" }
    }
    func replies(_ issue: Int) -> [String] { (1...Self.replyRounds).map { "storm \(issue) reply \($0)" } }
    func key(_ issue: Int) -> String? { keys.withLock { $0[issue] } }
    /// The changes the test could not make (a tracker error), for the failure message.
    var failures: [String] { failed.withLock { $0 } }

    /// The sys_id of the incident of `issue`, whatever revision its summary is at.
    func sysID(_ issue: Int) throws -> String? {
        try serviceNow.incidents().first { $0["short_description"]?.stringValue?.hasPrefix("storm \(issue) rev ") == true }?["sys_id"]?
            .stringValue
    }

    func makeJiraChanges(pause: Double) {
        for round in 0..<Self.rounds {
            for issue in 0..<issues {
                let kind: Kind = switch round {
                case 0: .create
                case 12: .attach("storm-\(issue).txt")
                case let round where round % 2 == 1: .edit(round)
                default: .comment("storm \(issue) comment \(round)")
                }
                do {
                    switch kind {
                    case .create: let key = try jira.createIssue(summary(issue, revision: 0))
                                  keys.withLock { $0[issue] = key }
                    case .edit(let revision): try jira.editIssue(key(issue)!, ["summary": .string(summary(issue, revision: revision))])
                    case .comment(let body): try jira.commentIssue(key(issue)!, body)
                    case .attach(let name): _ = try jira.attachToIssue(key(issue)!, filename: name, bytes: Array(name.utf8))
                    }
                } catch { failed.withLock { $0.append("\(kind) of issue \(issue): \(error)") } }
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    func replyInServiceNow(pause: Double) {
        for round in 1...Self.replyRounds {
            for issue in 0..<issues {
                var sysID: String?
                let deadline = Date(timeIntervalSinceNow: 60)
                while sysID == nil && Date() < deadline {
                    sysID = try? self.sysID(issue)
                    if sysID == nil { Thread.sleep(forTimeInterval: 0.2) }
                }
                guard let sysID else {
                    failed.withLock { $0.append("reply \(round) to issue \(issue): no incident within 60 s") }
                    continue
                }
                do {
                    try serviceNow.updateIncident(sysID, ["comments": .string("storm \(issue) reply \(round)")])
                } catch { failed.withLock { $0.append("reply \(round) to issue \(issue): \(error)") } }
                Thread.sleep(forTimeInterval: pause)
            }
        }
    }

    /// Every change is on the other side (at least once: duplicates are counted after).
    func everythingArrived() throws -> Bool {
        let incidents = try serviceNow.incidents()
        guard Set(incidents.compactMap { $0["short_description"]?.stringValue }) == Set((0..<issues).map(finalSummary)) else {
            return false
        }
        for issue in 0..<issues {
            guard let key = key(issue), let sysID = try sysID(issue) else { return false }
            let expected = comments(issue) + replies(issue)
            let inJira = try jira.issueComments(key), inServiceNow = try serviceNow.incidentComments(sysID)
            guard expected.allSatisfy({ body in inJira.contains { $0.hasSuffix(body) } && inServiceNow.contains { $0.hasSuffix(body) } }),
                  try jira.issue(key)["fields"]?["summary"]?.stringValue == finalSummary(issue),
                  try !serviceNow.incidentAttachments(sysID).isEmpty else { return false }
        }
        return true
    }
}
