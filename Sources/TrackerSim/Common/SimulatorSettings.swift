import TandemHTTP

/// The settings every simulator has, whatever tracker it plays; the command
/// line sets them the same way for both.
public protocol SimulatorSettings: Sendable {
    var host: String { get set }
    /// 0 picks a free port.
    var port: Int { get set }
    var user: String { get set }
    var password: String { get set }
    /// Accounts accepted besides `user` (each a user of the tracker too).
    var accounts: [SimAccount] { get set }
    /// A SQLite file to keep the data in across restarts; nil keeps it in memory.
    var dataPath: String? { get set }
    var webhooks: [String] { get set }
    var webhookSecret: String? { get set }
    var faults: FaultPolicy { get set }
    /// Larger uploads are refused with 413.
    var maxAttachmentBytes: Int { get set }
    /// Certificate and key: the simulator serves HTTPS. nil: plain HTTP.
    var tls: HTTPServerTLS? { get set }
}

extension JiraSimulatorConfiguration: SimulatorSettings {}
extension ServiceNowSimulatorConfiguration: SimulatorSettings {}
