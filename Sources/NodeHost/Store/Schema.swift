/*
 * The node's durable state, one SQLite file per node (WAL; a write returns
 * once durable, see GroupCommit.swift).
 *
 * Tables
 *   twins     one row per local entity known to a connection: the link to the
 *             peer's entity, the per-entity outgoing sequence, the last replica
 *             sent and received, the echo baseline, the field base.
 *   pending   entities with a noticed change not yet turned into a replica.
 *   outbox    messages to send to the peer: replicas and acks, by lane.
 *   inbox     messages received from the peer, not yet processed.
 *   cursors   the polling cursor per connection.
 *   seen      the last `updated` seen per entity by polling (de-duplication).
 *   nonces    request nonces accepted in the last signature window.
 *   parked    permanent failures that block one lane until an operator acts.
 *   comment_twins  local comment id <-> remote comment id, per entity.
 *   link_requests  links and unlinks asked of the peer, and its answers.
 *   attachment_twins    per (connection, local entity, local attachment): the
 *             bytes' SHA-256 and size, and the peer's attachment id when the
 *             attachment came from the peer (migration 3).
 *   attachment_intents  an attachment.put about to be made; an open row after
 *             a crash means "it may exist already: match by SHA-256 first".
 *   scope_decisions  whether an entity matched the connection's trigger query,
 *             and for which fields (a cache: losing it costs tracker requests only).
 *   plugin_deaths  per lane, how many times in a row a plugin call for it
 *             was running when the process (or its plugin host) died.
 *   store_identity  this store's random id and epoch (one row).
 *   peer_stores  per connection, the peer's store identity last trusted.
 *   awaiting_recovery  connections of a store begun again or restored: no
 *             peer batch is taken until `tandem recover` ('*': every connection).
 *   history   append-only events of each entity (HistoryEvent.swift), written
 *             in the transaction of the event they record; pruned by age and
 *             count per entity in the background (HistoryPruner).
 *   connection_state  operator pauses, so they survive restarts.
 *
 * Invariants
 *   (1) Nothing is acknowledged (HTTP 2xx to a peer or a webhook sender) before
 *       the transaction that stored it has committed.
 *   (2) A replica enters the outbox in the same transaction that advances
 *       twins.next_seq and sets twins.last_sent_hash, so seqs of one entity
 *       are dense and never reused.
 *   (3) An inbox message (connection, kind, source, seq) is stored at most
 *       once; a replica with seq <= twins.last_applied_seq is a duplicate and
 *       is dropped without effect.
 *   (4) A lane with an open parked row is not processed; its later messages
 *       wait behind it. Other lanes are unaffected.
 *   (5) The inbox row, the twin update and the ack that reports an apply are
 *       written in one transaction.
 *
 * Lane states (per connection and entity)
 *   idle -> pending/inbox row -> running -> (done: row deleted)
 *                                        -> (transient failure: row kept, retried after backoff)
 *                                        -> (permanent failure: parked -> retry | resolve)
 */
enum Schema {
    static let migrations: [String] = [
        """
        CREATE TABLE twins (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            local_key TEXT,
            local_url TEXT,
            remote_id TEXT,
            remote_key TEXT,
            remote_url TEXT,
            next_seq INTEGER NOT NULL DEFAULT 1,
            last_applied_seq INTEGER NOT NULL DEFAULT 0,
            last_sent_hash TEXT,
            last_sent_replica TEXT,
            last_received_replica TEXT,
            base TEXT,
            status TEXT NOT NULL DEFAULT 'active',
            remote_status TEXT,
            last_synced_at INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (connection, local_id)
        );
        CREATE UNIQUE INDEX twins_by_remote ON twins(connection, remote_id) WHERE remote_id IS NOT NULL;
        CREATE TABLE pending (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            local_key TEXT,
            source TEXT NOT NULL,
            version INTEGER NOT NULL,
            noticed_at INTEGER NOT NULL,
            not_before INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (connection, local_id)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            connection TEXT NOT NULL,
            kind TEXT NOT NULL,
            lane TEXT NOT NULL,
            seq INTEGER NOT NULL,
            body BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (connection, kind, lane, seq)
        );
        CREATE TABLE inbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            connection TEXT NOT NULL,
            kind TEXT NOT NULL,
            lane TEXT NOT NULL,
            seq INTEGER NOT NULL,
            body BLOB NOT NULL,
            received_at INTEGER NOT NULL,
            not_before INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            UNIQUE (connection, kind, lane, seq)
        );
        CREATE TABLE cursors (
            connection TEXT PRIMARY KEY,
            cursor TEXT,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE seen (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (connection, local_id)
        );
        CREATE TABLE nonces (
            nonce TEXT PRIMARY KEY,
            seen_at INTEGER NOT NULL
        );
        CREATE TABLE parked (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            connection TEXT NOT NULL,
            lane TEXT NOT NULL,
            entity TEXT NOT NULL,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'open'
        );
        CREATE INDEX parked_open ON parked(connection, lane) WHERE state = 'open';
        CREATE TABLE comment_twins (
            connection TEXT NOT NULL,
            local_entity TEXT NOT NULL,
            local_comment TEXT NOT NULL,
            remote_comment TEXT NOT NULL,
            PRIMARY KEY (connection, local_entity, remote_comment)
        );
        """,
        // Linking (docs/linking.md): one row per `tandem connect`, `unsync` or
        // re-link this node asked its peer for, answered by a `link-ack`.
        // `previous_status`/`previous_remote_key` restore the twin when the
        // peer refuses a link (NULL status: there was no twin before).
        """
        CREATE TABLE link_requests (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            action TEXT NOT NULL,
            local_key TEXT,
            remote_key TEXT,
            state TEXT NOT NULL DEFAULT 'waiting',
            reason TEXT,
            previous_status TEXT,
            previous_remote_key TEXT,
            requested_at INTEGER NOT NULL,
            answered_at INTEGER,
            PRIMARY KEY (connection, local_id, seq)
        );
        """,
        // Attachments (docs/attachments.md): the SHA-256 of each attachment on this
        // side, the peer's id for those that came from it, and puts in flight.
        """
        CREATE TABLE attachment_twins (
            connection TEXT NOT NULL,
            local_entity TEXT NOT NULL,
            local_attachment TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            remote_attachment TEXT,
            PRIMARY KEY (connection, local_entity, local_attachment)
        );
        CREATE INDEX attachment_twins_by_sha ON attachment_twins(connection, sha256);
        CREATE TABLE attachment_intents (
            connection TEXT NOT NULL,
            local_entity TEXT NOT NULL,
            remote_attachment TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (connection, local_entity, remote_attachment)
        );
        """,
        // The entity a webhook carried with its notice: the outgoing
        // stage sends it without reading the tracker again, as long as every
        // notice merged into the row carried one (the newest is kept).
        """
        ALTER TABLE pending ADD COLUMN entity BLOB;
        ALTER TABLE pending ADD COLUMN entity_updated TEXT;
        """,
        // When the entity last sent was modified (a late webhook's older copy is
        // never sent), and an exact snapshot of it with its version.
        """
        ALTER TABLE twins ADD COLUMN sent_updated TEXT;
        ALTER TABLE twins ADD COLUMN snapshot BLOB;
        """,
        // Comment adds in flight: a comment added just before
        // a crash is found again by its body instead of being added twice.
        """
        CREATE TABLE comment_intents (
            connection TEXT NOT NULL,
            local_entity TEXT NOT NULL,
            remote_comment TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (connection, local_entity, remote_comment)
        );
        """,
        // The fields behind each of our replicas the peer may not have seen
        // yet (docs/conflicts.md): a peer replica naming the one it had
        // applied is judged against those fields (ReplicaFields.swift).
        """
        CREATE TABLE replica_fields (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            fields BLOB,
            PRIMARY KEY (connection, local_id, seq)
        );
        """,
        // Per field of the conflict base, the seq of our newest replica when
        // an apply agreed the value (ConflictBase.swift).
        """
        ALTER TABLE twins ADD COLUMN base_marks BLOB;
        """,
        // An entity's twins on every connection (LoopGuard).
        """
        CREATE INDEX twins_by_local ON twins(local_id);
        """,
        // Whether each entity matched its connection's trigger query, and for
        // which fields: the tracker is asked again only when they change.
        """
        CREATE TABLE scope_decisions (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            matches INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            decided_at INTEGER NOT NULL,
            PRIMARY KEY (connection, local_id)
        );
        """,
        // Plugin deaths charged to an entity (PluginDeaths.swift): the
        // process or plugin host died with a call for this lane in flight.
        // Reset by a call that returns; at three the lane is parked.
        """
        CREATE TABLE plugin_deaths (
            connection TEXT NOT NULL,
            lane TEXT NOT NULL,
            entity TEXT NOT NULL,
            deaths INTEGER NOT NULL,
            last_reason TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (connection, lane)
        );
        """,
        // Store identity (StoreIdentity.swift): this store's random id and
        // epoch, one row; and per connection the peer's store as last
        // trusted (PeerStores.swift). `state` is 'changed' while a batch from
        // another id or epoch waits for `tandem recover`.
        """
        CREATE TABLE store_identity (
            id TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE peer_stores (
            connection TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            epoch INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'trusted',
            seen_id TEXT,
            seen_epoch INTEGER,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE awaiting_recovery (
            connection TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            since INTEGER NOT NULL
        );
        """,
        // An apply of a peer replica under way (ApplyIntent.swift): the
        // fields about to be written, and their values before.
        """
        CREATE TABLE apply_intents (
            connection TEXT NOT NULL,
            local_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            written BLOB NOT NULL,
            before BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (connection, local_id)
        );
        """,
        // An entity's history and persisted operator pauses. `entity` is the
        // local id once known; `remote` the peer's entity id once known; a
        // row has at least one, so both indexes together find every event.
        """
        CREATE TABLE history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            connection TEXT NOT NULL,
            entity TEXT,
            remote TEXT,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            tx TEXT,
            detail BLOB
        );
        CREATE INDEX history_by_entity ON history(connection, entity, at);
        CREATE INDEX history_by_remote ON history(connection, remote, at);
        CREATE TABLE connection_state (
            connection TEXT PRIMARY KEY,
            paused INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        """,
        // Every query the pipeline runs per change is a SEARCH on an index, and
        // `tandem status` reads counts kept by triggers instead of counting
        // rows, so neither grows with the number of linked entities
        // (StoreQueryPlanTests checks the plans). `row_counts` holds, per
        // connection: 'twins' (linked, remote_id set), 'pending', 'outbox',
        // 'inbox'. The store enables recursive_triggers, so the delete half of
        // an INSERT OR REPLACE is counted too.
        """
        CREATE INDEX twins_by_local_key ON twins(connection, local_key) WHERE local_key IS NOT NULL;
        CREATE INDEX twins_by_remote_key ON twins(connection, remote_key) WHERE remote_key IS NOT NULL;
        CREATE INDEX twins_by_last_synced ON twins(connection, last_synced_at) WHERE last_synced_at IS NOT NULL;
        CREATE INDEX pending_by_noticed ON pending(connection, noticed_at);
        CREATE INDEX outbox_by_connection ON outbox(connection, id);
        CREATE INDEX inbox_by_connection ON inbox(connection, id);
        CREATE TABLE row_counts (
            connection TEXT NOT NULL,
            name TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (connection, name)
        );
        """
            + countedRows("twins", whereSet: "remote_id") + countedRows("pending") + countedRows("outbox") + countedRows("inbox") + """
        CREATE TRIGGER twins_counted_linked AFTER UPDATE OF remote_id ON twins
        WHEN OLD.remote_id IS NULL AND NEW.remote_id IS NOT NULL BEGIN
            \(countUp("twins"))
        END;
        CREATE TRIGGER twins_counted_unlinked AFTER UPDATE OF remote_id ON twins
        WHEN OLD.remote_id IS NOT NULL AND NEW.remote_id IS NULL BEGIN
            \(countDown("twins"))
        END;
        """,
        // LoopGuard looks an entity up by (connection, local_id), the key,
        // once per connection it shares a peer with: an index on local_id
        // alone was one more page written by every new twin.
        """
        DROP INDEX twins_by_local;
        """,
        // Per field, the latest local edit seen and the peer's last value
        // (LocalEdits.swift, ConflictBase.swift): a field back at its base
        // value may still be an edit here, and a value the peer sent before is
        // no new edit of the peer's.
        """
        ALTER TABLE twins ADD COLUMN local_edits BLOB;
        ALTER TABLE twins ADD COLUMN peer_values BLOB;
        """,
    ]

    /// `row_counts` for `table` under its own name: the rows it holds now,
    /// then +1 per insert and -1 per delete. With `whereSet`, only rows with
    /// that column set count.
    private static func countedRows(_ table: String, whereSet column: String? = nil) -> String {
        let now = column.map { " WHERE \($0) IS NOT NULL" } ?? ""
        let new = column.map { " WHEN NEW.\($0) IS NOT NULL" } ?? ""
        let old = column.map { " WHEN OLD.\($0) IS NOT NULL" } ?? ""
        return """

        INSERT INTO row_counts SELECT connection, '\(table)', count(*) FROM \(table)\(now) GROUP BY connection;
        CREATE TRIGGER \(table)_counted_in AFTER INSERT ON \(table)\(new) BEGIN
            \(countUp(table))
        END;
        CREATE TRIGGER \(table)_counted_out AFTER DELETE ON \(table)\(old) BEGIN
            \(countDown(table))
        END;

        """
    }

    private static func countUp(_ name: String) -> String {
        "INSERT INTO row_counts VALUES (NEW.connection, '\(name)', 1) ON CONFLICT (connection, name) DO UPDATE SET count = count + 1;"
    }

    private static func countDown(_ name: String) -> String {
        "UPDATE row_counts SET count = count - 1 WHERE connection = OLD.connection AND name = '\(name)';"
    }
}
