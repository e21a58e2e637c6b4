/// The node's metric families with their help texts, and the counters that
/// must render from the start (at 0) so dashboards and alerts see the series
/// before the first event. docs/operations.md lists the same families.
extension Metrics {
    static let catalog: [(name: String, type: String, help: String)] = [
        ("tandem_syncs_total", "counter", "Work items finished, by connection, stage (outgoing, incoming, ack) and outcome (done, skipped, retry, parked)"),
        ("tandem_sync_latency_seconds", "histogram", "Seconds from noticing a change on the peer node to applying it to the local tracker"),
        ("tandem_queue_depth", "gauge", "Items waiting, by connection and queue (pending, outbox, inbox)"),
        ("tandem_parked_errors", "gauge", "Open parked errors by connection (see `tandem errors list`)"),
        ("tandem_tracker_requests_total", "counter", "HTTP requests to trackers by instance and status (a number, or error when no answer came)"),
        ("tandem_retries_total", "counter", "Transient failures that will be retried, by connection and stage"),
        ("tandem_conflicts_total", "counter", "Conflicting concurrent changes detected, by connection"),
        ("tandem_messages_sent_total", "counter", "Messages sent to the peer node, by connection"),
        ("tandem_messages_received_total", "counter", "Messages received from the peer node, by connection"),
        ("tandem_webhook_events_total", "counter", "Tracker webhook events, by connection and result (accepted, ignored, refused)"),
        ("tandem_scope_checks_total", "counter", "Trigger-query decisions, by connection, result (in, out) and by (tracker: a request was made; poll, query: the search that announced it, a poll's or a `tandem sync --query` of the trigger query)"),
        ("tandem_store_errors_total", "counter", "Failed store reads and writes (SQLite errors), by operation"),
        ("tandem_history_prune_passes_total", "counter", "Passes of the history pruner, by left (work: another pass follows at once; none: caught up)"),
        ("tandem_plugin_deaths_total", "counter", "Plugin calls that died with their process or plugin host, by plugin and cause (crashed, died, timeout)"),
        ("tandem_plugin_stalls_total", "counter", "Plugin calls in the node that outlived their instance's timeoutMs, by plugin and operation"),
        ("tandem_plugin_stalled_calls", "gauge", "Plugin calls in the node running now past their instance's timeoutMs (see /readyz)"),
    ]

    /// Describes every family and declares the per-connection counters at 0.
    func declareStandardSeries(connections: [String]) {
        for family in Self.catalog { describe(family.name, type: family.type, family.help) }
        increment("tandem_store_errors_total", ["operation": "read"], by: 0)
        increment("tandem_store_errors_total", ["operation": "write"], by: 0)
        for connection in connections {
            increment("tandem_conflicts_total", ["connection": connection], by: 0)
            increment("tandem_retries_total", ["connection": connection, "stage": "outgoing"], by: 0)
            increment("tandem_retries_total", ["connection": connection, "stage": "incoming"], by: 0)
            increment("tandem_retries_total", ["connection": connection, "stage": "send"], by: 0)
        }
    }
}
