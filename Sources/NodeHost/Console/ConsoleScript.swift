/// The console's script: hash routes (#/overview, #/errors, #/entity/KEY,
/// #/plugins, #/config), each page drawn from the admin API and redrawn
/// every second while shown. The admin token lives in sessionStorage; every
/// request carries it; a 401 returns to the login form and forgets it. All
/// text from the node goes in through textContent, never as HTML.
enum ConsoleScript {
    static let js = #"""
"use strict";
const TOKEN_KEY = "tandem.adminToken";
const POLL_MS = 1000;
const state = { timer: null, page: null, samples: {}, lastDraw: "", busy: false };

function token() { return sessionStorage.getItem(TOKEN_KEY); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class Unauthorized extends Error {}

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + (token() || "") };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  if (response.status === 401) throw new Unauthorized("wrong or missing admin token");
  let json = null;
  try { json = await response.json(); } catch (_) { json = null; }
  if (!response.ok) {
    const error = new Error((json && (json.reason || json.error)) || ("HTTP " + response.status));
    error.status = response.status;
    throw error;
  }
  return json;
}

// ---- login -----------------------------------------------------------------

function showLogin(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopPolling();
  document.getElementById("page").replaceChildren();
  document.getElementById("nav").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("node-name").textContent = "";
  document.getElementById("freshness").textContent = "";
  document.getElementById("login").hidden = false;
  document.getElementById("login-error").textContent = message || "";
  document.getElementById("token").focus();
}

function showApp() {
  document.getElementById("login").hidden = true;
  document.getElementById("nav").hidden = false;
  document.getElementById("logout").hidden = false;
}

async function logIn(candidate) {
  sessionStorage.setItem(TOKEN_KEY, candidate);
  try {
    await api("GET", "/admin/v1/status");
  } catch (error) {
    showLogin(error instanceof Unauthorized ? "That token is not this node's admin token." : "The node did not answer: " + error.message);
    return false;
  }
  showApp();
  route();
  return true;
}

// ---- routing and polling ---------------------------------------------------

const pages = { overview: drawOverview, errors: drawErrors, entity: drawEntity, plugins: drawPlugins, config: drawConfig };

function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [page, ...rest] = hash.split("/");
  return { page: pages[page] ? page : "overview", arg: decodeURIComponent(rest.join("/")) };
}

function route() {
  if (!token()) { showLogin(); return; }
  const { page, arg } = currentRoute();
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.page === page) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  if (state.page !== page + "/" + arg) {
    state.page = page + "/" + arg;
    state.lastDraw = "";
    document.getElementById("page").replaceChildren(skeleton(page, arg));
  }
  stopPolling();
  tick();
  state.timer = setInterval(tick, POLL_MS);
}

function stopPolling() { if (state.timer) clearInterval(state.timer); state.timer = null; }

async function tick() {
  if (state.busy) return;
  state.busy = true;
  const { page, arg } = currentRoute();
  try {
    await pages[page](arg);
    const status = await api("GET", "/admin/v1/errors");
    const count = (status.errors || []).length;
    document.getElementById("error-count").textContent = count ? String(count) : "";
    document.getElementById("freshness").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    if (error instanceof Unauthorized) { showLogin("The node refused the token; log in again."); }
    else { document.getElementById("freshness").textContent = "node not answering: " + error.message; }
  } finally {
    state.busy = false;
  }
}

function skeleton(page, arg) {
  const titles = { overview: "Connections", errors: "Parked errors", entity: "Entity", plugins: "Plugins", config: "Running configuration" };
  const section = el("div", { id: "content-" + page });
  const head = el("h1", { text: titles[page] });
  if (page === "entity") {
    const input = el("input", { type: "search", id: "entity-key", placeholder: "key or id of either side, e.g. SUP-12 or INC0010001",
                                "aria-label": "Entity key or id", value: arg || "" });
    const form = el("form", { class: "search", onsubmit: (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (key) location.hash = "#/entity/" + encodeURIComponent(key);
    } }, input, el("button", { type: "submit", class: "primary", text: "Show" }));
    return el("div", {}, head, form, section);
  }
  return el("div", {}, head, section);
}

// Redraws `content` only when the data behind it changed, so an unchanged
// page keeps its focus, selection and scroll position.
function redraw(key, data, build) {
  const serialized = JSON.stringify(data);
  if (serialized === state.lastDraw) return;
  state.lastDraw = serialized;
  const target = document.querySelector("#page [id^=content-]");
  if (!target) return;
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : null;
  target.replaceChildren(build(data));
  if (focused) { const again = target.querySelector('[data-focus="' + CSS.escape(focused) + '"]'); if (again) again.focus(); }
}

// ---- overview --------------------------------------------------------------

function age(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return seconds.toFixed(1) + " s";
  if (seconds < 3600) return Math.round(seconds / 60) + " min";
  return (seconds / 3600).toFixed(1) + " h";
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : "never"; }

function sample(connection) {
  const samples = state.samples[connection.name] || (state.samples[connection.name] = { last: null, points: [] });
  if (samples.last !== null) samples.points.push(Math.max(0, connection.synced - samples.last));
  samples.last = connection.synced;
  if (samples.points.length > 60) samples.points.shift();
  return samples.points;
}

function sparkline(points) {
  const width = 300, height = 40, max = Math.max(1, ...points);
  const step = width / 59;
  const offset = 60 - points.length;
  const coords = points.map((value, index) => ((offset + index) * step).toFixed(1) + "," + (height - 2 - (value / max) * (height - 6)).toFixed(1));
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "items synced per second over the last minute; now " + (points[points.length - 1] || 0));
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", coords.join(" "));
  svg.append(line);
  return svg;
}

async function drawOverview() {
  const status = await api("GET", "/admin/v1/status");
  const connections = status.connections || [];
  if (status.node) document.getElementById("node-name").textContent = status.node;
  const throughput = {};
  for (const connection of connections) throughput[connection.name] = sample(connection).slice();
  redraw("overview", { connections, throughput }, () => {
    if (!connections.length) return el("p", { class: "muted", text: "This node has no connections." });
    return el("div", { class: "cards" }, connections.map((connection) => {
      const stateName = connection.enabled === false ? "disabled" : connection.paused ? "paused" : "active";
      const toggle = el("button", {
        type: "button", "data-focus": "toggle-" + connection.name,
        class: connection.paused ? "primary" : "",
        text: connection.paused ? "Resume" : "Pause",
        disabled: connection.enabled === false,
        onclick: async (event) => {
          event.target.disabled = true;
          await api("POST", "/admin/v1/connections/" + encodeURIComponent(connection.name) + (connection.paused ? "/resume" : "/pause"));
          tick();
        },
      });
      const stat = (label, value, alert) => el("div", { class: "stat" + (alert ? " alert" : "") }, el("b", { text: String(value) }), el("span", { text: label }));
      return el("article", { class: "card", "data-connection": connection.name },
        el("header", {}, el("h2", { text: connection.name }), el("span", { class: "badge " + stateName, text: stateName })),
        el("dl", { class: "facts" },
          el("dt", { text: "Peer" }), el("dd", { text: connection.peer || "—" }),
          el("dt", { text: "Tracker" }), el("dd", { text: connection.instance + " (" + connection.plugin + ")" }),
          el("dt", { text: "Last sync" }), el("dd", { text: when(connection.lastSync) }),
          el("dt", { text: "Oldest waiting" }), el("dd", { text: age(connection.oldestPendingSeconds) }),
          el("dt", { text: "Linked entities" }), el("dd", { text: String(connection.twins) })),
        el("div", { class: "stats" },
          stat("pending", connection.pending), stat("outbox", connection.outbox), stat("inbox", connection.inbox),
          stat("parked", connection.parked, connection.parked > 0), stat("conflicts", connection.conflicts),
          stat("synced", connection.synced)),
        el("div", { class: "caption", text: "synced per second, last minute" }),
        sparkline(throughput[connection.name]),
        el("div", { class: "row gap-top" }, toggle,
          connection.parked > 0 ? el("a", { href: "#/errors", text: "see the parked errors" }) : null));
    }));
  });
}

// ---- errors ----------------------------------------------------------------

async function drawErrors() {
  const answer = await api("GET", "/admin/v1/errors");
  const errors = answer.errors || [];
  redraw("errors", errors, () => {
    const retryAll = el("button", { type: "button", class: "primary", "data-focus": "retry-all", text: "Retry all", disabled: !errors.length,
      onclick: async () => { await api("POST", "/admin/v1/errors/retry", { all: true }); tick(); } });
    if (!errors.length) return el("div", {}, el("p", { class: "muted", text: "No parked errors: every entity is syncing." }));
    return el("div", {},
      el("div", { class: "row gap-bottom" }, retryAll,
        el("span", { class: "muted", text: "Fix the cause first (a script: restart the node with the fixed script), then retry." })),
      el("div", { class: "list" }, errors.map((error) => el("article", { class: "card error", "data-error": String(error.id) },
        el("header", {}, el("h2", {}, "#" + error.id + " ", el("a", { href: "#/entity/" + encodeURIComponent(error.entity), text: error.entity })),
          el("span", { class: "badge paused", text: error.stage })),
        el("dl", { class: "facts" },
          el("dt", { text: "Connection" }), el("dd", { text: error.connection }),
          el("dt", { text: "Since" }), el("dd", { text: when(error.createdAt) })),
        el("pre", { class: "reason", text: error.reason }),
        el("div", { class: "row" },
          el("button", { type: "button", class: "primary", "data-focus": "retry-" + error.id, text: "Retry",
            onclick: async () => { await api("POST", "/admin/v1/errors/retry", { id: error.id }); tick(); } }),
          el("button", { type: "button", class: "danger", "data-focus": "resolve-" + error.id, text: "Resolve (skip this change)",
            onclick: async () => {
              if (!confirm("Skip the failed change of " + error.entity + "? Later changes flow again.")) return;
              await api("POST", "/admin/v1/errors/resolve", { id: error.id }); tick();
            } }))))));
  });
}

// ---- entity ----------------------------------------------------------------

function value(v) { return v === null || v === undefined ? "null" : typeof v === "string" ? v : JSON.stringify(v); }

function side(label, info) {
  const name = info.key || info.id || "—";
  return [el("dt", { text: label }), el("dd", {}, info.url ? el("a", { href: info.url, target: "_blank", rel: "noopener", text: name }) : name,
    info.id && info.id !== name ? el("span", { class: "muted", text: " (" + info.id + ")" }) : null)];
}

function eventItem(event) {
  const detail = event.detail || {};
  const item = el("li", { class: "k-" + event.kind },
    el("div", { class: "when" }, new Date(event.at).toLocaleString(), " ", event.tx ? el("span", { class: "tx", text: "tx " + event.tx }) : null),
    el("div", {}, el("span", { class: "kind", text: event.kind }), event.summary));
  if (event.kind === "conflict") {
    item.append(el("dl", { class: "conflict" },
      el("dt", { text: "field" }), el("dd", { text: value(detail.field) }),
      el("dt", { text: "local value" }), el("dd", { text: value(detail.local) }),
      el("dt", { text: "remote value" }), el("dd", { text: value(detail.remote) }),
      el("dt", { text: "policy" }), el("dd", { text: value(detail.policy) }),
      el("dt", { text: "kept" }), el("dd", { text: value(detail.winner) })));
  }
  if (event.kind === "parked" && detail.reason) item.append(el("pre", { text: detail.reason }));
  if (event.kind === "retrying") {
    item.append(el("dl", { class: "conflict" },
      el("dt", { text: "attempts" }), el("dd", { text: value(detail.count) }),
      el("dt", { text: "next attempt" }), el("dd", { text: detail.nextMs ? new Date(detail.nextMs).toLocaleString() : "—" }),
      detail.firstReason ? [el("dt", { text: "first reason" }), el("dd", { text: value(detail.firstReason) })] : null));
  }
  return item;
}

async function drawEntity(key) {
  if (!key) { redraw("entity", null, () => el("p", { class: "muted", text: "Search an entity by its key or id on either side." })); return; }
  let answer;
  try {
    answer = await api("GET", "/admin/v1/history?key=" + encodeURIComponent(key));
  } catch (error) {
    if (error.status === 404) { redraw("entity", { missing: key }, () => el("p", { class: "problem", text: error.message })); return; }
    throw error;
  }
  redraw("entity", answer, () => el("div", {}, (answer.entities || []).map((entity) => {
    const twin = entity.twin;
    return el("section", { class: "card gap-bottom", "data-connection": entity.connection },
      el("header", {}, el("h2", { text: entity.connection }), twin ? el("span", { class: "badge active", text: twin.status }) : el("span", { class: "badge disabled", text: "not linked yet" })),
      twin ? el("dl", { class: "facts" },
        side("Here", twin.local), side("Peer", twin.remote),
        el("dt", { text: "Last sync" }), el("dd", { text: when(twin.lastSyncedAt) }),
        el("dt", { text: "Peer says" }), el("dd", { text: twin.remoteStatus || "—" }),
        el("dt", { text: "Next seq / applied" }), el("dd", { text: twin.nextSeq + " / " + twin.lastAppliedSeq })) : null,
      (entity.errors || []).map((error) => el("p", { class: "problem" }, "Parked (#" + error.id + "): ", el("a", { href: "#/errors", text: "see Errors" }))),
      el("h2", { text: "History" }),
      (entity.events || []).length ? el("ol", { class: "timeline" }, entity.events.map(eventItem))
                                   : el("p", { class: "muted", text: "No events recorded (history off, or pruned)." }));
  })));
}

// ---- plugins and configuration ----------------------------------------------

async function drawPlugins() {
  const answer = await api("GET", "/admin/v1/plugins");
  redraw("plugins", answer, () => el("div", {},
    el("h2", { text: "In use" }),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", { text: "Plugin" }), el("th", { text: "Version" }), el("th", { text: "Instances" }),
        el("th", { text: "Connections" }), el("th", { class: "wide", text: "File" }))),
      el("tbody", {}, (answer.plugins || []).map((plugin) => el("tr", {},
        el("td", { text: plugin.id }), el("td", { text: plugin.version }), el("td", { text: (plugin.instances || []).join(", ") }),
        el("td", { text: (plugin.connections || []).join(", ") }), el("td", { class: "wide", text: plugin.file })))))),
    el("h2", { text: "Plugins folder at start" }),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, el("th", { text: "File" }), el("th", { text: "Outcome" }))),
      el("tbody", {}, (answer.scanned || []).map((entry) => el("tr", { "data-loaded": String(entry.loaded) },
        el("td", { text: entry.file }),
        el("td", {}, entry.loaded ? el("span", { class: "ok", text: "loaded " + entry.id + " " + entry.version })
                                  : el("span", { class: "bad", text: "refused: " + entry.reason })))))))));
}

async function drawConfig() {
  const config = await api("GET", "/admin/v1/config");
  redraw("config", config, () => el("div", {},
    el("p", { class: "muted", text: "Every secret (admin token, peer secrets, passwords and tokens of the instances) is shown as ***." }),
    el("pre", { class: "config", text: JSON.stringify(config, null, 2) })));
}

// ---- start -----------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    logIn(document.getElementById("token").value);
  });
  document.getElementById("logout").addEventListener("click", () => showLogin("Logged out."));
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea") || event.ctrlKey || event.metaKey || event.altKey || !token()) return;
    const keys = { "1": "overview", "2": "errors", "3": "entity", "4": "plugins", "5": "config" };
    if (keys[event.key]) { location.hash = "#/" + keys[event.key]; event.preventDefault(); }
    if (event.key === "/") { location.hash = "#/entity"; setTimeout(() => { const input = document.getElementById("entity-key"); if (input) input.focus(); }, 0); event.preventDefault(); }
  });
  window.addEventListener("hashchange", () => { if (token()) route(); });
  const match = location.hash.match(/^#token=(.+)$/);
  if (match) {
    history.replaceState(null, "", location.pathname + "#/overview");
    logIn(decodeURIComponent(match[1]));
  } else if (token()) {
    logIn(token());
  } else {
    showLogin();
  }
});
"""#
}
