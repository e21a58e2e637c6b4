// Runs a ServiceNow business rule in Node with stand-ins for the Glide API it
// uses, and prints the one outbound request it makes as JSON.
//
//   node harness.js <rule.js> <record.json>
//
// record.json: {"table", "operation", "fields": {name: value}, "changed": [names],
//               "properties": {name: value},
//               "records": {table: {sys_id: {name: value}}}   (what GlideRecord.get finds)}
'use strict';
const crypto = require('crypto');
const fs = require('fs');

const [rulePath, recordPath] = process.argv.slice(2);
const record = JSON.parse(fs.readFileSync(recordPath, 'utf8'));
const sent = [];
const errors = [];

function element(name) {
  return { getName: () => name, changes: () => record.changed.includes(name) };
}

const current = {
  getElements: () => {
    const list = Object.keys(record.fields).map(element);
    return { size: () => list.length, get: (i) => list[i] };
  },
  operation: () => record.operation,
  getTableName: () => record.table,
  getUniqueValue: () => record.fields.sys_id,
  getValue: (name) => (name in record.fields ? record.fields[name] : null),
};

const gs = {
  getProperty: (name, fallback) => (name in record.properties ? record.properties[name] : fallback),
  generateGUID: () => crypto.randomBytes(16).toString('hex'),
  error: (text) => errors.push(text),
};

// The Glide signatures: generateMac(base64Key, algorithm, data) → base64 MAC.
function GlideCertificateEncryption() {}
GlideCertificateEncryption.prototype.generateMac = (base64Key, algorithm, data) => {
  if (algorithm !== 'HmacSHA256') throw new Error('unexpected algorithm ' + algorithm);
  return crypto.createHmac('sha256', Buffer.from(base64Key, 'base64')).update(data, 'utf8').digest('base64');
};
const GlideStringUtil = { base64Encode: (text) => Buffer.from(text, 'utf8').toString('base64') };

// GlideRecord(table).get(sys_id) reads record.records[table][sys_id].
function GlideRecord(table) { this.table = table; this.fields = null; }
GlideRecord.prototype.get = function (sysID) {
  this.fields = ((record.records || {})[this.table] || {})[sysID] || null;
  return this.fields !== null;
};
GlideRecord.prototype.getTableName = function () { return this.table; };
GlideRecord.prototype.getUniqueValue = function () { return this.fields.sys_id; };
GlideRecord.prototype.getValue = function (name) { return name in this.fields ? this.fields[name] : null; };

function RESTMessageV2() { this.request = { headers: {} }; }
RESTMessageV2.prototype.setEndpoint = function (url) { this.request.url = url; };
RESTMessageV2.prototype.setHttpMethod = function (method) { this.request.method = method; };
RESTMessageV2.prototype.setRequestHeader = function (name, value) { this.request.headers[name] = value; };
RESTMessageV2.prototype.setRequestBody = function (body) { this.request.body = body; };
RESTMessageV2.prototype.executeAsync = function () { sent.push(this.request); };
const sn_ws = { RESTMessageV2 };

const run = new Function('current', 'previous', 'gs', 'GlideCertificateEncryption', 'GlideStringUtil', 'sn_ws', 'GlideRecord',
                         fs.readFileSync(rulePath, 'utf8'));
run(current, null, gs, GlideCertificateEncryption, GlideStringUtil, sn_ws, GlideRecord);
process.stdout.write(JSON.stringify({ sent, errors }));
