import NodeHost
import TandemCLI
import TandemJSON

/// `tandem sync KEY --connection C`: syncs one entity now;
/// `tandem sync --query Q --connection C`: every matching entity (`BulkSyncRun`).
struct SyncCommand: Command {
    static let path = ["sync"]
    static let summary = "sync one entity now by its key, or every entity a query matches"
    static let help = """
        Usage: tandem sync KEY --connection NAME --config FILE [--timeout SECONDS]
               tandem sync --query QUERY --connection NAME --config FILE [--timeout SECONDS] [--page-size N]

        With KEY, asks the running node to sync entity KEY (e.g. SUP-12) on
        connection NAME now, as if it had just changed: it is read, its replica
        built and sent, whatever the triggers say. An entity unsynced with
        `tandem unsync` is re-linked first with the peer entity it was twinned
        with (waiting up to --timeout, default 30 seconds, for the peer).

        With --query, every entity the connector's search finds for QUERY (in
        the tracker's own language, e.g. JQL `project = SUP AND status = Open`;
        an empty QUERY means the connection's default scope) is queued the same
        way, with no cap on their number: the node pages through the matches
        (--page-size per search call, default 1000) while it already works on
        the first ones. A progress bar on stderr shows matched, synced, parked
        and pending as they grow; then a summary lists what synced, what parked
        (with the reason) and what is still pending after --timeout (default
        300 seconds; the first 20 of each are named). Unsynced entities are
        skipped and listed.

        Exit status: 0 when everything synced, 1 when anything parked, timed
        out or was refused.

        Examples:
          tandem sync SUP-12 --connection sup-incidents --config blue.json
          tandem sync --query 'project = SUP' --connection sup-incidents --config blue.json
        """

    static func run(_ arguments: inout Arguments) throws -> ExitCode {
        let client = try AdminClient.from(&arguments)
        guard let connection = try arguments.option("--connection") else { throw CommandError.usage("missing --connection NAME") }
        let query = try arguments.option("--query")
        let timeout = try arguments.intOption("--timeout", in: 0...86_400)
        let pageSize = try arguments.intOption("--page-size", in: 1...10_000)
        let key = arguments.positional()
        try arguments.finish()
        switch (key, query) {
        case (nil, let query?):
            return try BulkSyncRun(client: client, connection: connection, timeout: Double(timeout ?? 300), pageSize: pageSize)
                .run(query: query)
        case (_, nil) where pageSize != nil:
            throw CommandError.usage("--page-size goes with --query QUERY")
        case (let key?, nil):
            return try syncOne(key, client: client, connection: connection, timeout: Double(timeout ?? 30))
        case (_?, _?):
            throw CommandError.usage("give either KEY or --query QUERY, not both")
        case (nil, nil):
            throw CommandError.usage("missing KEY of the entity to sync (or --query QUERY to sync every matching entity)")
        }
    }

    private static func syncOne(_ key: String, client: AdminClient, connection: String, timeout: Double) throws -> ExitCode {
        let relink = try client.send("POST", "/admin/v1/relink", ["connection": .string(connection), "key": .string(key)])
        let answer = try client.send("POST", "/admin/v1/sync", ["connection": .string(connection), "key": .string(key)])
        let queued = answer["queued"]?.stringValue ?? key
        guard relink["relinked"]?.boolValue == true else {
            print("queued \(queued) on \(connection)")
            return .success
        }
        let remoteKey = relink["remoteKey"]?.stringValue ?? "its former twin"
        guard let state = try LinkWait(client: client, connection: connection)
            .answer(id: relink["id"]?.stringValue ?? "", seq: relink["seq"] ?? .null, timeout: timeout) else {
            throw CommandError("\(queued) was unsynced; re-linking it with \(remoteKey) waits for the peer node, which has not answered within \(Int(timeout)) s. It is synced once the peer answers (is the peer running? `tandem status` shows the outbox)")
        }
        guard state["state"]?.stringValue == "linked" else {
            throw CommandError("\(queued) stays unsynced: the peer refused to re-link it with \(remoteKey): \(state["reason"]?.stringValue ?? "no reason given"). Link it elsewhere with `tandem connect \(queued) REMOTEKEY --connection \(connection)`")
        }
        print("re-linked \(queued) with \(remoteKey) and queued it on \(connection)")
        return .success
    }
}
