package surveyreport

import "github.com/keepnet-flow/keepnet-flow/internal/report/chart"

// The page is written section by section, top to bottom, by plain
// functions (chart.HTML says why not html/template). Every text from a
// report goes through the writer's Text; markup is written with Raw.

// writePage writes the whole page, in the order it reads.
func writePage(w chart.HTML, p page) {
	writeHead(w, p)
	writeHeader(w, p)
	w.Cards(p.Cards)
	writeSections(w, p, "")
	w.Raw(pageFooter)
}

// WriteSections writes r's sections, users by status and then question by
// question, into a page being written by another report: the customer
// pack's page of one customer, whose survey they are. idPrefix keeps the
// sections' element IDs apart from those of another survey in the page.
// The page's style sheet must include Style.
func WriteSections(w chart.HTML, r Report, idPrefix string) {
	writeSections(w, buildPage(r, HTMLOptions{}), idPrefix)
}

func writeSections(w chart.HTML, p page, idPrefix string) {
	writeStatus(w, p.Status, idPrefix)
	for _, q := range p.Questions {
		writeQuestion(w, q, idPrefix)
	}
}

// Style is the style sheet of a page that holds survey sections: the
// reports' shared one and the badges of question kinds.
const Style = chart.Style + `.badge { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; padding: 1px 7px; border-radius: 10px; margin-right: 8px; border: 1px solid var(--line); background: #fff; }
.badge.rating { color: #1d5a96; border-color: #b9d3ea; background: #eef5fb; }
.badge.choice { color: #6a4b16; border-color: #ecd6ad; background: #fbf5ea; }
.badge.free { color: var(--muted); }
`

// writeHead writes everything up to the body: the Content Security Policy
// that forbids fetching anything, the title and the style sheet.
func writeHead(w chart.HTML, p page) {
	w.Raw(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="keepnet-flow survey-report">
<title>`)
	w.Text(p.Title)
	w.Raw(" · ")
	w.Text(p.Subtitle)
	w.Raw("</title>\n<style>\n", Style, "</style>\n</head>\n<body>\n<main>\n")
}

// writeHeader writes the page's heading: title, companies, and when it was
// generated if known.
func writeHeader(w chart.HTML, p page) {
	w.Raw(`<header class="top">
  <div class="eyebrow">Survey report</div>
  <h1>`)
	w.Text(p.Title)
	w.Raw("</h1>\n  <div class=\"sub\">")
	w.Text(p.Subtitle)
	if p.Generated != "" {
		w.Raw(" · generated ")
		w.Text(p.Generated)
	}
	w.Raw("</div>\n</header>\n\n")
}

// writeStatus writes the section of users by status.
func writeStatus(w chart.HTML, v chart.View, idPrefix string) {
	w.Raw(`<section class="block" id="`)
	w.Text(idPrefix)
	w.Raw(`status">
  <h2>Responses by status</h2>
  <div class="meta">Response rate is the share of targeted users who completed the survey.</div>
  `)
	chart.WriteView(w, v)
	w.Raw("\n</section>\n\n")
}

// writeQuestion writes one question's section; a free-text question has
// its counts but no chart or table.
func writeQuestion(w chart.HTML, q questionView, idPrefix string) {
	w.Raw("\n<section class=\"block\" id=\"")
	w.Text(idPrefix)
	w.Raw("q-")
	w.Text(q.ID)
	w.Raw("\">\n  <h2><span class=\"num\">Q")
	w.Num(q.Number)
	w.Raw("</span>")
	w.Text(q.Text)
	w.Raw("</h2>\n  <div class=\"meta\"><span class=\"badge ")
	w.Text(q.kindClass())
	w.Raw(`">`)
	w.Text(q.Kind)
	w.Raw("</span>n = ")
	w.Num(q.Answered)
	w.Raw(" of ")
	w.Num(q.Users)
	w.Raw(" users answered</div>\n  ")
	if q.Chart != "" {
		chart.WriteView(w, q.View)
	}
	w.Raw("\n</section>\n")
}

const pageFooter = `

<footer>
  Counts come from each user's latest answer session. Rating scales are drawn as diverging bars: negative answers left of the zero line, a neutral answer split across it, positive answers right; the percentages beside a bar are the shares of each side.
  Made with keepnet-flow survey-report.
</footer>
</main>
</body>
</html>

`
