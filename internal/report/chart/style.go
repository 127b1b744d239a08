package chart

// Style is the style sheet the reports share, inline in each page: a page
// fetches nothing (its Content Security Policy allows inline styles and
// data: images only). The accent colour is the --accent property, which a
// page may set again after it. The print rules lay a page out for paper:
// four cards a row, charts above their tables, compact tables, and no
// page break inside a section (so none inside a chart).
const Style = `:root {
  --ink: #1f2328; --muted: #5f6b7a; --line: #e3e6ea; --soft: #f5f7f9; --accent: #1d5a96;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
header.top .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); font-weight: 600; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 4px; font-weight: 700; }
header.top .sub { color: var(--muted); font-size: 15px; }
h2 { font-size: 19px; margin: 0 0 4px; font-weight: 650; }
h2 .num { color: var(--accent); margin-right: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 14px; margin: 0 0 24px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--soft); }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
.card .value { font-size: 30px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.card .note { font-size: 13px; color: var(--muted); }
section.block { border-top: 1px solid var(--line); padding: 20px 0 8px; break-inside: avoid; page-break-inside: avoid; }
figure, svg.chart, .cards, tr { break-inside: avoid; page-break-inside: avoid; }
.meta { color: var(--muted); font-size: 13px; margin-bottom: 10px; }
.body { display: grid; grid-template-columns: minmax(0, 1.7fr) minmax(300px, 1fr); gap: 28px; align-items: start; }
.body.below { grid-template-columns: minmax(0, 1fr); gap: 10px; }
figure { margin: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; margin: 0 0 6px; padding: 0; list-style: none; }
.legend li { display: inline-flex; align-items: center; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 5px; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart .lbl { font-size: 13px; fill: var(--ink); }
svg.chart .n { font-size: 11px; fill: var(--muted); }
svg.chart .tick { font-size: 11px; fill: var(--muted); }
svg.chart .seg { font-size: 11px; font-weight: 600; }
svg.chart .side { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; }
svg.chart .side.neg { fill: #a1391f; font-weight: 650; }
svg.chart .side.pos { fill: #1d5a96; font-weight: 650; }
svg.chart .none { font-size: 12px; fill: var(--muted); font-style: italic; }
svg.chart .grid { stroke: #e9ecef; stroke-width: 1; }
svg.chart .zero { stroke: #5f6b7a; stroke-width: 1.2; }
table { border-collapse: collapse; font-size: 13px; width: 100%; font-variant-numeric: tabular-nums; }
td { white-space: nowrap; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: bottom; }
thead th { font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1.5px solid #c9ced4; }
thead th:first-child, tbody th { text-align: left; }
tbody th { font-weight: 400; min-width: 10.5em; }
tr.bold th, tr.bold td, td.b { font-weight: 650; }
tr.bold:first-child th, tr.bold:first-child td { background: var(--soft); }
tr.bold:last-child:not(:first-child) th, tr.bold:last-child:not(:first-child) td { border-top: 1.5px solid #c9ced4; }
td .pct { color: var(--muted); margin-left: 4px; }
.tablewrap { overflow-x: auto; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; border-top: 1px solid var(--line); padding-top: 10px; }
@media (max-width: 1100px) { .body { grid-template-columns: minmax(0, 1fr); } }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  .body { grid-template-columns: minmax(0, 1fr); gap: 8px; }
  .cards { grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }
  .card { background: #fff; padding: 8px 12px; }
  table { width: auto; min-width: 70%; }
  .tablewrap { overflow: visible; }
  section.block { padding-top: 12px; }
}
`
