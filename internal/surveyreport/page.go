package surveyreport

// The page is written section by section, top to bottom, by plain
// functions rather than html/template: a template package in a binary makes
// the linker keep every exported method of every reachable type (templates
// call methods by name), which would keep all of gen/'s client in the CLI
// and double its size. Every text from a report goes through htmlWriter's
// text; markup is written with raw.

// writePage writes the whole page, in the order it reads.
func writePage(w htmlWriter, p page) {
	writeHead(w, p)
	writeHeader(w, p)
	writeCards(w, p.Cards)
	writeStatus(w, p.Status)
	for _, q := range p.Questions {
		writeQuestion(w, q)
	}
	w.raw(pageFooter)
}

// writeHead writes everything up to the body: the Content Security Policy
// that forbids fetching anything, the title and the style sheet.
func writeHead(w htmlWriter, p page) {
	w.raw(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="keepnet-flow survey-report">
<title>`)
	w.text(p.Title)
	w.raw(" · ")
	w.text(p.Subtitle)
	w.raw("</title>\n<style>\n", pageStyle, "</style>\n</head>\n<body>\n<main>\n")
}

// writeHeader writes the page's heading: title, companies, and when it was
// generated if known.
func writeHeader(w htmlWriter, p page) {
	w.raw(`<header class="top">
  <div class="eyebrow">Survey report</div>
  <h1>`)
	w.text(p.Title)
	w.raw("</h1>\n  <div class=\"sub\">")
	w.text(p.Subtitle)
	if p.Generated != "" {
		w.raw(" · generated ")
		w.text(p.Generated)
	}
	w.raw("</div>\n</header>\n\n")
}

// writeCards writes the row of headline figures.
func writeCards(w htmlWriter, cards []card) {
	w.raw(`<div class="cards">`)
	for _, c := range cards {
		w.raw("\n  <div class=\"card\"><div class=\"label\">")
		w.text(c.Label)
		w.raw(`</div><div class="value">`)
		w.text(c.Value)
		w.raw(`</div><div class="note">`)
		w.text(c.Note)
		w.raw("</div></div>")
	}
	w.raw("\n</div>\n\n")
}

// writeStatus writes the section of users by status.
func writeStatus(w htmlWriter, v chartView) {
	w.raw(`<section class="block" id="status">
  <h2>Responses by status</h2>
  <div class="meta">Response rate is the share of targeted users who completed the survey.</div>
  `)
	writeChartView(w, v)
	w.raw("\n</section>\n\n")
}

// writeQuestion writes one question's section; a free-text question has
// its counts but no chart or table.
func writeQuestion(w htmlWriter, q questionView) {
	w.raw("\n<section class=\"block\" id=\"q-")
	w.text(q.ID)
	w.raw("\">\n  <h2><span class=\"num\">Q")
	w.num(q.Number)
	w.raw("</span>")
	w.text(q.Text)
	w.raw("</h2>\n  <div class=\"meta\"><span class=\"badge ")
	w.text(q.kindClass())
	w.raw(`">`)
	w.text(q.Kind)
	w.raw("</span>n = ")
	w.num(q.Answered)
	w.raw(" of ")
	w.num(q.Users)
	w.raw(" users answered</div>\n  ")
	if q.Chart != "" {
		writeChartView(w, q.chartView)
	}
	w.raw("\n</section>\n")
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
