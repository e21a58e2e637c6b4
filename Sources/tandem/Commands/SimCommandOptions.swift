import TandemCLI
import TandemHTTP
import TrackerSim
#if canImport(Glibc)
import Glibc
#endif

/// The options `tandem sim jira` and `tandem sim servicenow` share, and their run loop.
enum SimCommandOptions {
    /// Reads the shared options into the simulator's settings.
    static func parse<Settings: SimulatorSettings>(_ arguments: inout Arguments, into settings: inout Settings) throws {
        guard let port = try arguments.intOption("--port", in: 0...65535) else {
            throw CommandError.usage("missing --port N (use 0 to pick a free port)")
        }
        guard let user = try arguments.option("--user"), !user.isEmpty else { throw CommandError.usage("missing --user NAME") }
        guard let password = try arguments.option("--password"), !password.isEmpty else { throw CommandError.usage("missing --password SECRET") }
        var accounts: [SimAccount] = []
        for text in try arguments.options("--account") {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
                throw CommandError.usage("--account takes NAME:SECRET (a user name, a colon, its password), not '\(text)'")
            }
            let name = String(text[..<colon])
            guard name != user, !accounts.contains(where: { $0.user == name }) else {
                throw CommandError.usage("--account \(name) names an account twice; give each account once")
            }
            accounts.append(SimAccount(user: name, password: String(text[text.index(after: colon)...])))
        }
        let webhooks = try arguments.options("--webhook")
        for url in webhooks where !url.hasPrefix("http://") && !url.hasPrefix("https://") {
            throw CommandError.usage("--webhook takes an http:// or https:// URL, not '\(url)'")
        }
        let certificate = try arguments.option("--tls-cert")
        let key = try arguments.option("--tls-key")
        switch (certificate, key) {
        case let (certificate?, key?): settings.tls = HTTPServerTLS(certificateFile: certificate, privateKeyFile: key)
        case (nil, nil): settings.tls = nil
        default: throw CommandError.usage("--tls-cert FILE and --tls-key FILE go together; give both to serve HTTPS")
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
        settings.port = port
        settings.user = user
        settings.password = password
        settings.accounts = accounts
        settings.dataPath = try arguments.option("--data")
        settings.webhooks = webhooks
        settings.webhookSecret = try arguments.option("--webhook-secret")
        settings.faults = faults
        if let limit = try arguments.intOption("--max-attachment-bytes", in: 1...(1 << 31)) { settings.maxAttachmentBytes = limit }
    }

    /// Starts, announces `listening on …` (flushed), waits for SIGTERM/SIGINT, stops.
    /// The help lines of the options every simulator takes alike (faults,
    /// TLS, upload limit), indented as in a command's `Options:` list.
    static func sharedHelp(maxAttachmentBytes: Int) -> String {
        """
          --account NAME:SECRET
                              another account besides --user (repeatable), a user
                              of its own: what it writes names it as the actor, as
                              a sync node's dedicated integration user does
          --rate-limit N      answer 429 (Retry-After: 1) above N requests/second
          --fail-rate F       answer 503 to a fraction F (0..1) of requests
          --latency-ms N      wait N ms before answering each request
          --tls-cert FILE     serve HTTPS with this PEM certificate (chain) ...
          --tls-key FILE      ... and its PEM private key; the line printed
                              then reads 'listening on https://127.0.0.1:PORT'
          --max-attachment-bytes N
                              refuse uploads above N bytes with 413 (default \(maxAttachmentBytes))
        """
    }

    /// The end of every `tandem sim` command: no argument left over, the
    /// simulator opened (with its data file) and served until SIGTERM.
    static func run<Simulator>(_ arguments: inout Arguments, dataPath: String?, tls: Bool, open: () throws -> Simulator,
                               start: (Simulator) throws -> Int, stop: (Simulator) -> Void) throws -> ExitCode {
        try arguments.finish()
        let simulator: Simulator
        do { simulator = try open() } catch {
            throw CommandError("cannot open the data file \(dataPath ?? ""): \(error); use another --data file or remove this one")
        }
        return try serve(tls: tls, start: { try start(simulator) }, stop: { stop(simulator) })
    }

    static func serve(tls: Bool, start: () throws -> Int, stop: () -> Void) throws -> ExitCode {
        TerminationSignal.install()
        let port: Int
        do { port = try start() } catch {
            throw CommandError("cannot listen: \(error); pick another --port or use --port 0, and check --tls-cert/--tls-key")
        }
        print("listening on \(tls ? "https" : "http")://127.0.0.1:\(port)")
        fflush(nil)  // all output streams: the parent reads this line through a pipe
        TerminationSignal.wait()
        stop()
        return .success
    }
}
