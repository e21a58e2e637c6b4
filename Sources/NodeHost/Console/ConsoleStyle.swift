/// The console's stylesheet: system fonts only, one column on phones, a grid
/// of connection cards from 1280 px; fixed sizes where numbers change, so
/// live updates never move the layout.
enum ConsoleStyle {
    static let css = #"""
:root { --fg: #1d2430; --muted: #5b6473; --line: #d6dbe3; --bg: #f5f7fa; --card: #fff; --accent: #1f5fbf;
        --ok: #1b7f3b; --warn: #a45d00; --bad: #b3261e; --mono: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 16px; padding: 8px 16px; background: #14243d; color: #fff; min-height: 54px; }
.bar .brand { font-weight: 700; letter-spacing: .02em; }
.bar .node { color: #b9c7dd; min-width: 4ch; }
.bar nav { display: flex; flex-wrap: wrap; gap: 4px; }
.bar nav a { color: #dfe7f3; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
.bar nav a[aria-current="page"] { background: #2c4670; color: #fff; }
.bar .freshness { margin-left: auto; color: #b9c7dd; font-size: 13px; min-width: 15ch; text-align: right; }
.bar button { background: transparent; color: #dfe7f3; border: 1px solid #4a6188; }
.count { display: inline-block; min-width: 2ch; text-align: center; background: var(--bad); color: #fff; border-radius: 9px; font-size: 12px; padding: 0 5px; }
.count:empty { display: none; }
main { padding: 16px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 0 0 8px; }
button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--line); background: #fff; color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--bad); border-color: #e3b2ae; }
button:disabled { opacity: .5; cursor: default; }
input[type=text], input[type=password], input[type=search] { font: inherit; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; width: 100%; }
.login { max-width: 420px; margin: 48px auto; background: var(--card); padding: 24px; border: 1px solid var(--line); border-radius: 10px; }
.login form { display: grid; gap: 10px; }
.problem { color: var(--bad); min-height: 1.45em; margin: 0; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 400px), 1fr)); gap: 14px; }
.list { display: grid; gap: 14px; }
.caption { color: var(--muted); font-size: 12px; margin-bottom: 2px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px; min-width: 0; }
.card header { display: flex; align-items: baseline; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.badge.active { color: var(--ok); } .badge.paused { color: var(--warn); } .badge.disabled { color: var(--muted); }
.stats { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; margin: 12px 0; }
.stat { background: var(--bg); border-radius: 8px; padding: 6px 8px; }
.stat b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.stat span { color: var(--muted); font-size: 12px; }
.stat.alert b { color: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 12px; margin: 0 0 10px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.spark { width: 100%; height: 40px; display: block; background: var(--bg); border-radius: 6px; }
.spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
pre { font: 13px/1.4 var(--mono); background: #0f1724; color: #e6edf6; padding: 10px 12px; border-radius: 8px; overflow-x: auto; white-space: pre; margin: 8px 0; }
pre.config { max-height: 70vh; }
.search { display: flex; gap: 8px; margin-bottom: 14px; max-width: 640px; }
.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
.timeline li { position: relative; padding: 6px 0 8px 16px; }
.timeline li::before { content: ""; position: absolute; left: -6px; top: 12px; width: 10px; height: 10px; border-radius: 50%; background: var(--line); }
.timeline li.k-applied::before, .timeline li.k-acked::before, .timeline li.k-linked::before { background: var(--ok); }
.timeline li.k-conflict::before, .timeline li.k-retrying::before { background: var(--warn); }
.timeline li.k-parked::before, .timeline li.k-link-refused::before { background: var(--bad); }
.timeline .when { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.timeline .kind { font-weight: 600; margin-right: 6px; }
.timeline .tx { font: 12px var(--mono); color: var(--muted); }
.conflict { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 10px; background: #fff6e5; border: 1px solid #f0d39b; border-radius: 8px; padding: 6px 10px; margin-top: 4px; }
.conflict dt { color: var(--muted); } .conflict dd { margin: 0; font-family: var(--mono); overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; margin-bottom: 16px; }
.gap-top { margin-top: 10px; } .gap-bottom { margin-bottom: 14px; }
.ok { color: var(--ok); } .bad { color: var(--bad); }
@media (max-width: 640px) {
  main { padding: 10px; }
  .stats { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .bar .freshness { margin-left: 0; text-align: left; }
  th.wide, td.wide { display: none; }
}
"""#
}
