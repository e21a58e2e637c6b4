/*
 * Tandem change notification: an "after" business rule that tells the Tandem
 * node a record changed. The same script is installed twice:
 *
 *   - on the synced table (incident), after insert, update and delete;
 *   - on sys_attachment, after insert, with the condition table_name is the
 *     synced table: attaching a file inserts a sys_attachment row and leaves
 *     the record untouched (no sys_updated_on, no rule on the record runs),
 *     so this rule announces the record the file was attached to, as an
 *     update whose changed_fields is ["attachments"] and whose actor is the
 *     uploader (the node skips its own uploads by that name).
 *
 * It posts the tandem.servicenow.event/1 payload the ServiceNowLike connector
 * reads (docs/real-trackers.md, "ServiceNow: the business rule"):
 *
 *   POST <x_tandem.hook_url>          Content-Type: application/json
 *   X-Tandem-Delivery:  <delivery id>
 *   X-Tandem-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with x_tandem.hook_secret>
 *
 * The node treats it as a hint: it re-reads the record and keeps polling, so
 * a lost notification delays a change, never loses it. executeAsync() queues
 * the request, so saving a record never waits for the node.
 *
 * System properties (sys_properties), created by the operator:
 *   x_tandem.hook_url      https://tandem.example.com/hooks/servicenow
 *   x_tandem.hook_secret   the connector's webhookSecret (type: password2)
 */
(function executeRule(current, previous /* null on insert */) {
    var url = gs.getProperty('x_tandem.hook_url', '');
    var secret = gs.getProperty('x_tandem.hook_secret', '');
    if (!url || !secret) {
        gs.error('Tandem notification not sent: set the system properties x_tandem.hook_url and x_tandem.hook_secret');
        return;
    }

    var record = current;
    var operation = String(current.operation());   // insert | update | delete
    var actor = String(current.getValue('sys_updated_by') || '');
    var changed = [];
    if (String(current.getTableName()) === 'sys_attachment') {
        record = new GlideRecord(String(current.getValue('table_name')));
        if (!record.get(String(current.getValue('table_sys_id')))) return;   // attached to a record already gone
        operation = 'update';
        actor = String(current.getValue('sys_created_by') || '');
        changed = ['attachments'];
    } else {
        // The fields this save changed, system fields left out; journal fields
        // (comments, work_notes) count as changed when an entry was added.
        var elements = current.getElements();
        for (var i = 0; i < elements.size(); i++) {
            var element = elements.get(i);
            var name = String(element.getName());
            if (name.indexOf('sys_') === 0) continue;
            if (element.changes()) changed.push(name);
        }
        changed.sort();
    }

    var deliveryID = String(gs.generateGUID());
    var body = JSON.stringify({
        schema: 'tandem.servicenow.event/1',
        delivery_id: deliveryID,
        table: String(record.getTableName()),
        sys_id: String(record.getUniqueValue()),
        number: String(record.getValue('number') || ''),
        operation: operation,
        sys_updated_on: String(record.getValue('sys_updated_on') || ''),   // UTC, yyyy-MM-dd HH:mm:ss
        sys_mod_count: String(record.getValue('sys_mod_count') || '0'),
        sys_updated_by: actor,
        changed_fields: changed
    });

    // generateMac takes the key in base64 and answers the MAC in base64.
    var mac = new GlideCertificateEncryption().generateMac(GlideStringUtil.base64Encode(secret), 'HmacSHA256', body);

    var request = new sn_ws.RESTMessageV2();
    request.setEndpoint(url);
    request.setHttpMethod('post');
    request.setRequestHeader('Content-Type', 'application/json');
    request.setRequestHeader('X-Tandem-Delivery', deliveryID);
    request.setRequestHeader('X-Tandem-Signature', 'sha256=' + base64ToHex(String(mac)));
    request.setRequestBody(body);
    request.executeAsync();

    /** Lower-case hex of base64 text (the MAC's 32 bytes). */
    function base64ToHex(text) {
        var alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        var hex = '', bits = 0, value = 0;
        for (var k = 0; k < text.length; k++) {
            var index = alphabet.indexOf(text.charAt(k));
            if (index < 0) continue;                   // '=' padding, line breaks
            value = (value << 6) | index;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                var byte = (value >> bits) & 0xff;
                hex += (byte < 16 ? '0' : '') + byte.toString(16);
            }
        }
        return hex;
    }
})(current, previous);
