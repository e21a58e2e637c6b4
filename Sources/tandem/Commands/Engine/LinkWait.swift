import Foundation
import TandemCLI
import TandemJSON

/// Waits for the peer's answer to a link or unlink request, as
/// `tandem connect`, `tandem unsync` and the re-link of `tandem sync KEY` do.
struct LinkWait {
    let client: AdminClient
    let connection: String

    /// The request's state once the peer answered; nil after `timeout` seconds.
    func answer(id: String, seq: JSON, timeout: Double) throws -> JSON? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let state = try client.send("POST", "/admin/v1/links/state",
                                        ["connection": .string(connection), "id": .string(id), "seq": seq])
            if state["state"]?.stringValue != "waiting" { return state }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// `--timeout SECONDS` (whole seconds, default `fallback`).
    static func timeout(_ arguments: inout Arguments, default fallback: Int) throws -> Double {
        Double(try arguments.intOption("--timeout", in: 0...86_400) ?? fallback)
    }
}
