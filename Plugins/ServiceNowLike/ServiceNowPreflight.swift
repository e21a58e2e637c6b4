import PluginKit
import Synchronization

/// Checks that the instance can do what the connector needs, made once: at
/// instance creation, or, when the instance could not be reached then, before
/// the first operation that depends on them.
///
/// 1. The table has `correlation_id`. ServiceNow ignores query terms on
///    unknown fields, so on a table without it `correlation_id=<id>` matches
///    every record and `lookup` would return an unrelated one. The probe asks
///    for a correlation id nobody has: any row back means the term was ignored.
///    (An empty table cannot tell; the check then passes.)
/// 2. The account may read `sys_journal_field`, where comments and work notes
///    live; without it every `get` would fail with 403.
final class ServiceNowPreflight: Sendable {
    private let passed = Mutex(false)

    var hasPassed: Bool { passed.withLock { $0 } }
    func markPassed() { passed.withLock { $0 = true } }
}

extension ServiceNowConnector {
    /// Runs the checks unless they passed; `.invalid` with what to do when one fails.
    func preflight(for operation: String) throws(ConnectorError) {
        if preflightState.hasPassed { return }
        let probe = "tandem-probe-\(host.nowMs())"
        let rows = try now(operation, "GET", "/table/\(config.table)", query: [
            ("sysparm_query", "correlation_id=" + probe), ("sysparm_fields", "sys_id"), ("sysparm_limit", "1"),
        ])
        if !(rows.arrayValue ?? []).isEmpty {
            throw .invalid("table '\(config.table)' has no correlation_id field (ServiceNow ignored the query term and matched other records), "
                           + "so the connector could not find its own creates again; sync a table that extends task "
                           + "(incident, problem, change_request, sc_req_item) or add a correlation_id column to '\(config.table)'")
        }
        do {
            _ = try now(operation, "GET", "/table/sys_journal_field", query: [
                ("sysparm_query", "element_id=" + probe), ("sysparm_fields", "sys_id"), ("sysparm_limit", "1"),
            ])
        } catch where error.kind == .invalid || error.kind == .auth {
            throw .invalid("the account cannot read sys_journal_field, where comments and work notes are kept (\(error.message)); "
                           + "give it read access to sys_journal_field (see docs/real-trackers.md, ServiceNow roles)")
        }
        preflightState.markPassed()
    }

    /// At instance creation: a refusal (`.invalid`) fails the creation; an
    /// unreachable instance or refused credentials only defer the checks to the
    /// first operation, which then reports them.
    func preflightAtCreation() throws(ConnectorError) {
        do { try preflight(for: "create_instance") } catch where error.kind != .invalid {
            host.log(.warn, "could not check table '\(config.table)' yet (\(error.message)); checking before the first operation")
        }
    }
}
