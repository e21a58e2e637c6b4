import TandemCLI
import TrackerSim
#if canImport(Glibc)
import Glibc
#endif

/// The options `tandem sim jira` and `tandem sim servicenow` share, and their run loop.
struct SimCommandOptions {
    var port: Int
    var user: String
    var password: String
    var dataPath: String?
    var webhooks: [String]
    var webhookSecret: String?
    var faults: FaultPolicy
    /// `--max-attachment-bytes`: the simulator's upload limit, when given.
    var maxAttachmentBytes: Int?

    static func parse(_ arguments: inout Arguments) throws -> SimCommandOptions {
        guard let port = try arguments.intOption("--port", in: 0...65535) else {
            throw CommandError.usage("missing --port N (use 0 to pick a free port)")
        }
        guard let user = try arguments.option("--user"), !user.isEmpty else { throw CommandError.usage("missing --user NAME") }
        guard let password = try arguments.option("--password"), !password.isEmpty else { throw CommandError.usage("missing --password SECRET") }
        let webhooks = try arguments.options("--webhook")
        for url in webhooks where !url.hasPrefix("http://") {
            throw CommandError.usage("--webhook takes an http:// URL, not '\(url)'")
        }
        var faults = FaultPolicy()
        if let limit = try arguments.intOption("--rate-limit", in: 0...1_000_000) { faults.rateLimitPerSecond = limit == 0 ? nil : limit }
        if let text = try arguments.option("--fail-rate") {
            guard let rate = Double(text), (0...1).contains(rate) else {
                throw CommandError.usage("--fail-rate takes a number from 0 to 1, not '\(text)'")
            }
            faults.failRate = rate
        }
        if let latency = try arguments.intOption("--latency-ms", in: 0...60_000) { faults.latencyMilliseconds = latency }
        return SimCommandOptions(port: port, user: user, password: password, dataPath: try arguments.option("--data"),
                                 webhooks: webhooks, webhookSecret: try arguments.option("--webhook-secret"), faults: faults,
                                 maxAttachmentBytes: try arguments.intOption("--max-attachment-bytes", in: 1...(1 << 31)))
    }

    /// Starts, announces `listening on …` (flushed), waits for SIGTERM/SIGINT, stops.
    static func serve(start: () throws -> Int, stop: () -> Void) throws -> ExitCode {
        TerminationSignal.install()
        let port: Int
        do { port = try start() } catch {
            throw CommandError("cannot listen: \(error); pick another --port or use --port 0")
        }
        print("listening on http://127.0.0.1:\(port)")
        fflush(nil)  // all output streams: the parent reads this line through a pipe
        TerminationSignal.wait()
        stop()
        return .success
    }
}
