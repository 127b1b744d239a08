package report

import (
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report/chart"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
)

// The pack's pages are written top to bottom by plain functions, as the
// survey report's are (chart.HTML says why not html/template): every text
// from the inputs goes through Text.

// PageOptions are what every page of a pack shares.
type PageOptions struct {
	Brand Brand
	// Generated is when the pack was made, shown in each header; zero
	// leaves it out (tests compare pages byte for byte).
	Generated time.Time
	// PDF makes links between the pack's files point at its PDFs, from
	// Base, the directory they are written to ("file:///…/"): a printed
	// page keeps its links as absolute URLs.
	PDF  bool
	Base string
}

// packStyle is the pack's additions to the reports' style sheet.
const packStyle = `header.top { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: 24px; align-items: end; }
header.top .brand { grid-column: 2; grid-row: 1 / span 3; text-align: right; align-self: center; }
header.top .brand img { display: block; max-height: 56px; max-width: 220px; margin: 0 0 4px auto; }
header.top .brand .bname { font-weight: 650; color: var(--accent); font-size: 15px; }
a { color: var(--accent); }
.callout { border-left: 4px solid #a1391f; background: #fbf1ee; padding: 10px 14px; margin: 0 0 20px; font-size: 14px; }
.callout ul { margin: 4px 0 0; padding-left: 18px; }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0 24px; }
h2 .count { color: var(--muted); font-weight: 400; font-size: 15px; margin-left: 6px; }
h3 { font-size: 16px; margin: 14px 0 6px; font-weight: 650; }
table.list { margin-top: 6px; }
table.list th, table.list td { text-align: right; }
table.list .t { text-align: left; white-space: normal; }
table.list tbody th { font-weight: 500; min-width: 0; white-space: normal; }
svg.chart .val { font-size: 11px; fill: var(--ink); font-variant-numeric: tabular-nums; }
section.long { break-inside: auto; page-break-inside: auto; }
section.survey > h2 { margin-top: 4px; }
@media print {
  header.top .brand img { max-height: 44px; }
  a { color: inherit; text-decoration: none; }
}
`

// writeHead writes the page up to its body: the Content Security Policy
// that forbids fetching anything (the logo is a data: URI), the title,
// the style sheet (with the page's own rules, css) and the accent.
func writeHead(w chart.HTML, title string, b Brand, css string) {
	w.Raw(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
`)
	if b.Credit {
		w.Raw("<meta name=\"generator\" content=\"keepnet-flow report\">\n")
	}
	w.Raw("<title>")
	w.Text(title)
	w.Raw("</title>\n<style>\n", surveyreport.Style, packStyle, css)
	if b.Accent != "" {
		// Checked as #rrggbb (CheckAccent); escaped all the same.
		w.Raw(":root { --accent: ")
		w.Text(b.Accent)
		w.Raw("; }\n")
	}
	w.Raw("</style>\n</head>\n<body>\n<main>\n")
}

// writeHeader writes a page's heading: what it is, for whom, the period,
// and the reseller's logo and name.
func writeHeader(w chart.HTML, eyebrow, title, sub string, b Brand) {
	w.Raw("<header class=\"top\">\n")
	if b.Logo != "" || b.Name != "" {
		w.Raw(`  <div class="brand">`)
		if b.Logo != "" {
			w.Raw(`<img src="`)
			w.Text(b.Logo)
			w.Raw(`" alt="`)
			w.Text(b.Name)
			w.Raw(`">`)
		}
		if b.Name != "" && b.Logo == "" {
			// A logo says the name itself; the name is its alt text.
			w.Raw(`<div class="bname">`)
			w.Text(b.Name)
			w.Raw(`</div>`)
		}
		w.Raw("</div>\n")
	}
	w.Raw(`  <div class="eyebrow">`)
	w.Text(eyebrow)
	w.Raw("</div>\n  <h1>")
	w.Text(title)
	w.Raw("</h1>\n  <div class=\"sub\">")
	w.Text(sub)
	w.Raw("</div>\n</header>\n\n")
}

// subtitle is the line under a page's title: the period, who prepared it,
// and when.
func subtitle(p *Pack, opts PageOptions) string {
	s := p.Period.Detail()
	if opts.Brand.Name != "" {
		s += " · prepared by " + opts.Brand.Name
	}
	if !opts.Generated.IsZero() {
		s += " · generated " + opts.Generated.Format("2 January 2006")
	}
	return s
}

// writeFooter writes the page's end.
func writeFooter(w chart.HTML, lines []string, b Brand) {
	w.Raw("\n<footer>\n")
	for _, l := range lines {
		w.Raw("  <div>")
		w.Text(l)
		w.Raw("</div>\n")
	}
	if b.Credit {
		w.Raw("  <div>Made with keepnet-flow.</div>\n")
	}
	w.Raw("</footer>\n</main>\n</body>\n</html>\n")
}

// writeCallout lists what could not be had, if anything.
func writeCallout(w chart.HTML, heading string, items []string) {
	if len(items) == 0 {
		return
	}
	w.Raw(`<div class="callout"><strong>`)
	w.Text(heading)
	w.Raw("</strong><ul>")
	for _, it := range items {
		w.Raw("<li>")
		w.Text(it)
		w.Raw("</li>")
	}
	w.Raw("</ul></div>\n")
}

// cell is one cell of a list table: text, a share shown beside it, and a
// link.
type cell struct {
	text, pct, href string
}

// column heads a list table's column; text columns are left-aligned.
type column struct {
	head string
	text bool
}

// writeList writes a table of rows whose first cell heads its row.
func writeList(w chart.HTML, cols []column, rows [][]cell) {
	w.Raw("<div class=\"tablewrap\"><table class=\"list\">\n<thead><tr>")
	for _, c := range cols {
		w.Raw(`<th scope="col"`)
		if c.text {
			w.Raw(` class="t"`)
		}
		w.Raw(">")
		w.Text(c.head)
		w.Raw("</th>")
	}
	w.Raw("</tr></thead>\n<tbody>")
	for _, r := range rows {
		w.Raw("\n<tr>")
		for i, c := range r {
			tag := "td"
			if i == 0 {
				tag = "th"
			}
			w.Raw("<", tag)
			if i == 0 {
				w.Raw(` scope="row"`)
			}
			if i < len(cols) && cols[i].text {
				w.Raw(` class="t"`)
			}
			w.Raw(">")
			if c.href != "" {
				w.Raw(`<a href="`)
				w.Text(c.href)
				w.Raw(`">`)
			}
			w.Text(c.text)
			if c.href != "" {
				w.Raw("</a>")
			}
			if c.pct != "" {
				w.Raw(`<span class="pct">`)
				w.Text(c.pct)
				w.Raw("</span>")
			}
			w.Raw("</", tag, ">")
		}
		w.Raw("</tr>")
	}
	w.Raw("\n</tbody></table></div>\n")
}
