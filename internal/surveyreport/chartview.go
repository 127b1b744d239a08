package surveyreport

// writeChartView writes a chart with its legend, and the table of its
// numbers beside or below it.
func writeChartView(w htmlWriter, v chartView) {
	w.raw("\n  <div class=\"body")
	if !v.Beside {
		w.raw(" below")
	}
	w.raw("\">\n    <figure>")
	writeLegend(w, v.Legend)
	w.raw("\n      ", v.Chart, "\n    </figure>\n    <div class=\"tablewrap\">\n      <table>\n")
	writeTable(w, v.Table)
	w.raw("\n      </table>\n    </div>\n  </div>\n")
}

// writeLegend writes the colour key of a chart's segments, if it has any.
func writeLegend(w htmlWriter, legend []segment) {
	if len(legend) == 0 {
		return
	}
	w.raw("\n      <ul class=\"legend\">")
	for _, s := range legend {
		// The colours are the package's own "#rrggbb" constants, safe in
		// CSS; escaped all the same, as every inserted text is.
		w.raw(`<li><i style="background:`)
		w.text(s.Color)
		w.raw(`"></i>`)
		w.text(s.Label)
		w.raw("</li>")
	}
	w.raw("</ul>")
}

// writeTable writes a table's head and rows, between <table> and </table>.
func writeTable(w htmlWriter, t table) {
	w.raw(`        <thead><tr><th scope="col">`)
	w.text(t.Corner)
	w.raw("</th>")
	for _, h := range t.Head {
		w.raw(`<th scope="col">`)
		w.text(h)
		w.raw("</th>")
	}
	w.raw("</tr></thead>\n        <tbody>")
	for _, r := range t.Rows {
		writeRow(w, r)
	}
	w.raw("\n        </tbody>")
}

func writeRow(w htmlWriter, r tableRow) {
	w.raw("\n          <tr")
	if r.Bold {
		w.raw(` class="bold"`)
	}
	w.raw(`><th scope="row">`)
	w.text(r.Label)
	w.raw("</th>")
	for _, c := range r.Cells {
		w.raw("<td")
		if c.Bold {
			w.raw(` class="b"`)
		}
		w.raw(">")
		w.num(c.Count)
		if c.Pct != "" {
			w.raw(`<span class="pct">`)
			w.text(c.Pct)
			w.raw("</span>")
		}
		w.raw("</td>")
	}
	w.raw("</tr>")
}
