/// The vocabulary of `tandem-bench history`: which tracker a change is made
/// in, which synced field it touches, and the operations the generator plans.
///
/// Values are kept in Jira's words (priority `High`, status `Done`) so one
/// value compares across both trackers; `HistoryTrackers` maps them to and
/// from ServiceNow's.
enum HistorySide: String, Sendable, CaseIterable {
    case jira, serviceNow

    var other: HistorySide { self == .jira ? .serviceNow : .jira }
    /// The node beside this tracker.
    var node: String { self == .jira ? "blue" : "green" }
}

/// A field both trackers carry and the example scripts map.
enum HistoryField: String, Sendable, CaseIterable {
    case summary, description, priority, status, assignee

    /// The field's name in `side`'s tracker, as the nodes' conflict log lines say it.
    func name(in side: HistorySide) -> String {
        switch (self, side) {
        case (.summary, .serviceNow): "short_description"
        case (.status, .serviceNow): "state"
        case (.assignee, .serviceNow): "assigned_to"
        default: rawValue
        }
    }

    /// Whether its final value must be the same in both trackers. The
    /// simulators have no user in common, so an assignee cannot cross (the
    /// scripts keep the local one when the peer's email is unknown).
    var crosses: Bool { self != .assignee }

    static let priorities = ["Highest", "High", "Medium", "Low", "Lowest"]
    static let statuses = ["To Do", "In Progress", "Done"]
    /// Users that exist in each simulator (by login).
    static func assignees(in side: HistorySide) -> [String] { side == .jira ? ["alice", "bob"] : ["beth.anglin", "admin"] }
}

/// How the generator lets the two sides edit a pair's fields.
enum HistoryPairMode: Sendable, Equatable {
    /// Each field is edited in one tracker only (the owner): no conflict may
    /// ever be counted, and the owner's last write must win everywhere.
    case oneSided(owner: [HistoryField: HistorySide])
    /// Both trackers edit each field in turn, each edit made only once the
    /// previous one shows in the other tracker (and 0.5 s more): never a
    /// conflict, and the last write wins.
    case alternating
    /// Both trackers edit freely: the two ends must agree on one side's last write.
    case contended

    var label: String {
        switch self {
        case .oneSided: "one-sided"
        case .alternating: "alternating"
        case .contended: "contended"
        }
    }
}

/// One planned step of a history.
struct HistoryOperation: Sendable, CustomStringConvertible {
    enum Action: Sendable {
        case edit(HistoryField, String)
        case comment(String)
        case attach(filename: String, bytes: [UInt8])
        /// A new entity in `side`'s tracker, never touched again; its token is its first summary.
        case create(String)
        /// The node beside `side` pauses its connection for the seconds given, then resumes.
        case pause(Double)
        /// The node beside `side` is stopped (SIGTERM) for the seconds given, then started.
        case outage(Double)
    }

    let index: Int
    /// Seconds from the start of the stream when it is due.
    let at: Double
    /// The pair it changes (nil for creates and node actions).
    let pair: Int?
    let side: HistorySide
    let action: Action

    var description: String {
        let target = pair.map { "pair \($0) in \(side.rawValue)" } ?? side.rawValue
        let what = switch action {
        case .edit(let field, let value): "edit \(field.rawValue) = \"\(value)\""
        case .comment(let body): "comment \"\(body)\""
        case .attach(let filename, let bytes): "attach \(filename) (\(bytes.count) bytes)"
        case .create(let token): "create \"\(token)\""
        case .pause(let seconds): "pause node \(side.node) for \(fixed(seconds, 1)) s"
        case .outage(let seconds): "stop node \(side.node) for \(fixed(seconds, 1)) s"
        }
        return "#\(index) at \(fixed(at, 2)) s: \(target): \(what)"
    }
}
