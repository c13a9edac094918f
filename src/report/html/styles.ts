/**
 * The page's stylesheet. Diffs never rely on colour alone: removed lines carry `−` and a strike,
 * added ones `+` and an underline, changed ones `~`; verdicts have an icon and a word.
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --fg: #1c1e21; --muted: #5f6673; --line: #dde1e6; --accent: #2457c5;
  --reg: #b4380f; --reg-bg: #fdebe4; --err: #8a5a00; --err-bg: #fbf0d2; --noise: #5b6472; --noise-bg: #eceff3;
  --skip: #6c5a9c; --skip-bg: #eee9f8; --pass: #1f7a3f; --pass-bg: #e3f3e8;
  --add: #1b4fbf; --add-bg: #e3ecfd; --del: #a3261b; --del-bg: #fbe5e2; --chg: #7a5200; --chg-bg: #fbf0cf;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171a; --panel: #1d2024; --fg: #e4e6ea; --muted: #9aa1ad; --line: #30353c; --accent: #7ea6ff;
    --reg: #ff8a65; --reg-bg: #3a211a; --err: #f2c14e; --err-bg: #352b14; --noise: #aab2bf; --noise-bg: #2a2e34;
    --skip: #b9a6ee; --skip-bg: #2b2540; --pass: #6fd68f; --pass-bg: #193222;
    --add: #8fb4ff; --add-bg: #1c2a47; --del: #ff9c91; --del-bg: #3d1f1c; --chg: #f0c96a; --chg-bg: #3a3018;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, header.top, .controls-inner, footer { max-width: 1280px; margin: 0 auto; padding: 0 20px; }
h1 { font-size: 15px; font-weight: 600; margin: 0; color: var(--muted); letter-spacing: .02em; }
h2 { font-size: 18px; margin: 28px 0 10px; }
code, .mono, pre { font-family: var(--mono); font-size: 12.5px; }
button, select, input { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.muted { color: var(--muted); }
header.top { padding-top: 22px; padding-bottom: 8px; }
.verdict { display: flex; align-items: center; gap: 12px; margin: 10px 0 4px; font-size: 24px; font-weight: 650; }
.verdict .badge { width: 36px; height: 36px; border-radius: 50%; display: inline-grid; place-items: center; font-size: 20px; }
.verdict.ok .badge { background: var(--pass-bg); color: var(--pass); }
.verdict.fail .badge { background: var(--reg-bg); color: var(--reg); }
.reason { color: var(--muted); margin: 0 0 14px 48px; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 4px 20px; margin: 0 0 16px; padding: 12px 16px; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.meta dd { margin: 0 0 6px; overflow-wrap: anywhere; }
.totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 10px; }
.chip { display: inline-flex; align-items: baseline; gap: 6px; padding: 6px 12px; border-radius: 999px; border: 1px solid var(--line); background: var(--panel); }
.chip b { font-size: 16px; }
.stack { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--line); margin-bottom: 6px; }
.stack span { display: block; height: 100%; }
.v-regression { color: var(--reg); } .v-error { color: var(--err); } .v-noise { color: var(--noise); } .v-skipped { color: var(--skip); } .v-pass { color: var(--pass); }
.bg-regression { background: var(--reg); } .bg-error { background: var(--err); } .bg-noise { background: var(--noise); } .bg-skipped { background: var(--skip); } .bg-pass { background: var(--pass); }
.controls { position: sticky; top: 0; z-index: 5; background: color-mix(in srgb, var(--bg) 92%, transparent); backdrop-filter: blur(6px); border-bottom: 1px solid var(--line); }
.controls-inner { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding-top: 10px; padding-bottom: 10px; }
.toggle { border: 1px solid var(--line); background: var(--panel); border-radius: 999px; padding: 4px 12px; }
.toggle[aria-pressed="false"] { opacity: .55; text-decoration: line-through; }
.toggle[aria-pressed="true"] { border-color: currentColor; }
.controls select, .controls input { border: 1px solid var(--line); background: var(--panel); border-radius: 8px; padding: 5px 10px; min-width: 0; }
.controls input { flex: 1 1 240px; }
.controls .status { font-size: 12px; color: var(--muted); }
.linkish { border: 0; background: none; color: var(--accent); padding: 4px 6px; text-decoration: underline; }
.empty { padding: 28px; text-align: center; border: 1px dashed var(--line); border-radius: 10px; background: var(--panel); }
.empty.good { border-color: var(--pass); color: var(--pass); font-size: 16px; }
.route { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; margin: 0 0 14px; overflow: hidden; }
.route > .rhead { display: flex; flex-wrap: wrap; align-items: baseline; gap: 10px; padding: 10px 14px; border-bottom: 1px solid var(--line); }
.route > .rhead h3 { margin: 0; font-size: 15px; font-family: var(--mono); overflow-wrap: anywhere; }
.method { display: inline-block; font: 600 11px/1 var(--mono); padding: 4px 6px; border-radius: 4px; background: var(--noise-bg); margin-right: 6px; vertical-align: 2px; }
.group + .group { border-top: 1px solid var(--line); }
.ghead { display: grid; grid-template-columns: 22px 1fr auto; gap: 4px 10px; align-items: center; width: 100%; text-align: left; border: 0; background: none; padding: 10px 14px; }
.ghead:hover { background: var(--bg); }
.ghead .icon { font-weight: 700; text-align: center; }
.ghead .label { font-family: var(--mono); overflow-wrap: anywhere; }
.ghead .label::before { content: "▸ "; color: var(--muted); }
.ghead[aria-expanded="true"] .label::before { content: "▾ "; }
.ghead .count { white-space: nowrap; color: var(--muted); font-size: 13px; }
.ghead .count b { color: var(--fg); }
.ghead .sub { grid-column: 2 / 4; font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.share { display: inline-block; width: 60px; height: 6px; border-radius: 3px; background: var(--line); vertical-align: middle; margin-left: 8px; overflow: hidden; }
.share span { display: block; height: 100%; }
.gbody { padding: 4px 14px 16px 46px; }
.snippet { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 6px 0 12px; background: var(--bg); }
.snippet pre { margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.snippet .row { display: flex; gap: 10px; align-items: center; justify-content: space-between; }
.btn { border: 1px solid var(--line); background: var(--panel); border-radius: 6px; padding: 3px 10px; }
.group { scroll-margin-top: 96px; }
.tabs { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; padding: 3px; position: relative; max-height: 13em; overflow-y: auto; }
.example-tabs .more { margin: -4px 0 8px; }
.tab { border: 1px solid var(--line); background: var(--panel); border-radius: 6px; padding: 3px 8px; font-family: var(--mono); font-size: 12px; max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tab[aria-selected="true"] { border-color: var(--accent); box-shadow: inset 0 -2px 0 var(--accent); }
.exchange { border: 1px solid var(--line); border-radius: 8px; padding: 12px; background: var(--panel); }
.reqline { font-family: var(--mono); font-size: 13px; overflow-wrap: anywhere; margin-bottom: 8px; }
.diffs { list-style: none; padding: 0; margin: 0 0 10px; }
.diffs li { padding: 2px 0; font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.diffs .why { font-family: system-ui, sans-serif; color: var(--muted); }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 10px; }
.side { border: 1px solid var(--line); border-radius: 8px; min-width: 0; }
.side h4 { margin: 0; padding: 6px 10px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; gap: 8px; }
.side .status { padding: 6px 10px; font-family: var(--mono); }
details > summary { cursor: pointer; padding: 4px 10px; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.hdrs td { font-family: var(--mono); font-size: 12px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; }
.code { font-family: var(--mono); font-size: 12px; line-height: 1.55; margin: 0; padding: 6px 0; overflow-x: auto; max-height: 520px; overflow-y: auto; }
.ln { white-space: pre-wrap; overflow-wrap: anywhere; padding-right: 10px; }
/* Code lines (.cl) draw their gutter symbol here, kept from copies and from screen readers (alt text ""): the line's title says what changed. */
.ln .g, .cl::before { display: inline-block; width: 2ch; text-align: center; color: var(--muted); user-select: none; }
.cl::before { content: " " / ""; }
.ln.mk-removed { background: var(--del-bg); } .cl.mk-removed { text-decoration: line-through; text-decoration-thickness: 1px; } .cl.mk-removed::before { content: "−" / ""; color: var(--del); font-weight: 700; }
.ln.mk-added { background: var(--add-bg); } .cl.mk-added { text-decoration: underline; text-underline-offset: 2px; } .cl.mk-added::before { content: "+" / ""; color: var(--add); font-weight: 700; }
.ln.mk-changed { background: var(--chg-bg); } .cl.mk-changed { font-weight: 600; } .cl.mk-changed::before { content: "~" / ""; } .ln.mk-changed .g, .cl.mk-changed::before { color: var(--chg); font-weight: 700; }
.ln.mk-noise { background: var(--noise-bg); } .cl.mk-noise { font-style: italic; } .cl.mk-noise::before { content: "≈" / ""; color: var(--noise); }
.k { color: var(--accent); } .s { color: var(--pass); } .n { color: var(--err); } .b { color: var(--skip); }
.note { font-size: 12px; color: var(--muted); padding: 4px 10px; }
.note::before { content: "• "; }
.changed-val { background: var(--chg-bg); border-radius: 3px; padding: 0 4px; }
.kbd { font: 11px var(--mono); border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; }
footer { color: var(--muted); font-size: 12px; padding-top: 20px; padding-bottom: 40px; }
.changes { list-style: none; padding: 0; margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.change + .change { border-top: 1px solid var(--line); }
.chead { display: grid; grid-template-columns: 28px 1fr auto auto; gap: 4px 12px; align-items: baseline; width: 100%; text-align: left; border: 0; background: none; padding: 10px 14px; }
.chead:hover { background: var(--bg); }
.chead .rank { color: var(--muted); font-variant-numeric: tabular-nums; }
.chead .ctitle { font-family: var(--mono); overflow-wrap: anywhere; }
.chead .kind { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--reg); }
.chead .count { white-space: nowrap; color: var(--muted); font-size: 13px; }
.cbody { padding: 4px 14px 14px 54px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
@media (max-width: 700px) { .gbody { padding-left: 14px; } .reason { margin-left: 0; } }
`;
