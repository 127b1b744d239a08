package chart

// View is a chart with its legend and the table of its numbers.
type View struct {
	Legend []Segment
	// Chart is SVG markup, its texts escaped as it was built; empty for
	// nothing charted.
	Chart string
	Table Table
	// Beside puts the table beside the chart; a table of many series goes
	// below it, at full width.
	Beside bool
}

// Table is the numbers of a chart. With few series its rows are the
// categories and its columns the series, so that it fits beside the
// chart; with many, the other way round.
type Table struct {
	Corner string
	Head   []string
	Rows   []Row
}

// Row is one row of a table.
type Row struct {
	Label string
	Bold  bool
	Cells []Cell
}

// Cell is a count and its share.
type Cell struct {
	Count int
	Pct   string
	Bold  bool
}

// MaxBeside is the most series whose table fits beside a chart.
const MaxBeside = 3

// Width is the chart width that suits a view of n series: Narrow when its
// table goes beside it, else Wide.
func Width(n int) int {
	if n <= MaxBeside {
		return Narrow
	}
	return Wide
}

// MakeTable tabulates series over categories; nLabel names the row or
// column of each series' total. Each series' percents are rounded
// together (Percents), so a column or row of shares of one whole adds up
// to 100 %. It reports whether the table fits beside the chart.
func MakeTable(ss []Series, categories []string, nLabel, seriesLabel string) (Table, bool) {
	if len(ss) <= MaxBeside {
		t := Table{}
		nRow := Row{Label: nLabel, Bold: true}
		for _, s := range ss {
			t.Head = append(t.Head, s.Label)
			nRow.Cells = append(nRow.Cells, Cell{Count: s.Total, Bold: true})
		}
		t.Rows = append(t.Rows, nRow)
		pcts := make([][]int, len(ss))
		for i, s := range ss {
			pcts[i] = Percents(s.Counts, s.Total)
		}
		for j, c := range categories {
			row := Row{Label: c}
			for i, s := range ss {
				row.Cells = append(row.Cells, cellOf(s.Counts[j], s.Total, pcts[i][j], s.Bold))
			}
			t.Rows = append(t.Rows, row)
		}
		return t, true
	}
	t := Table{Corner: seriesLabel, Head: append([]string{nLabel}, categories...)}
	for _, s := range ss {
		row := Row{Label: s.Label, Bold: s.Bold, Cells: []Cell{{Count: s.Total}}}
		pcts := Percents(s.Counts, s.Total)
		for j := range categories {
			row.Cells = append(row.Cells, cellOf(s.Counts[j], s.Total, pcts[j], false))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, false
}

func cellOf(n, total, pct int, bold bool) Cell {
	c := Cell{Count: n, Pct: "–", Bold: bold}
	if total > 0 {
		c.Pct = PercentText(pct)
	}
	return c
}

// WriteView writes a chart with its legend, and the table of its numbers
// beside or below it.
func WriteView(w HTML, v View) {
	w.Raw("\n  <div class=\"body")
	if !v.Beside {
		w.Raw(" below")
	}
	w.Raw("\">\n    <figure>")
	WriteLegend(w, v.Legend)
	w.Raw("\n      ", v.Chart, "\n    </figure>\n    <div class=\"tablewrap\">\n      <table>\n")
	WriteTable(w, v.Table)
	w.Raw("\n      </table>\n    </div>\n  </div>\n")
}

// WriteLegend writes the colour key of a chart's segments, if it has any.
func WriteLegend(w HTML, legend []Segment) {
	if len(legend) == 0 {
		return
	}
	w.Raw("\n      <ul class=\"legend\">")
	for _, s := range legend {
		// The colours are the package's own "#rrggbb" constants or a
		// colour the caller checked, safe in CSS; escaped all the same,
		// as every inserted text is.
		w.Raw(`<li><i style="background:`)
		w.Text(s.Color)
		w.Raw(`"></i>`)
		w.Text(s.Label)
		w.Raw("</li>")
	}
	w.Raw("</ul>")
}

// WriteTable writes a table's head and rows, between <table> and </table>.
func WriteTable(w HTML, t Table) {
	w.Raw(`        <thead><tr><th scope="col">`)
	w.Text(t.Corner)
	w.Raw("</th>")
	for _, h := range t.Head {
		w.Raw(`<th scope="col">`)
		w.Text(h)
		w.Raw("</th>")
	}
	w.Raw("</tr></thead>\n        <tbody>")
	for _, r := range t.Rows {
		writeRow(w, r)
	}
	w.Raw("\n        </tbody>")
}

func writeRow(w HTML, r Row) {
	w.Raw("\n          <tr")
	if r.Bold {
		w.Raw(` class="bold"`)
	}
	w.Raw(`><th scope="row">`)
	w.Text(r.Label)
	w.Raw("</th>")
	for _, c := range r.Cells {
		w.Raw("<td")
		if c.Bold {
			w.Raw(` class="b"`)
		}
		w.Raw(">")
		w.Num(c.Count)
		if c.Pct != "" {
			w.Raw(`<span class="pct">`)
			w.Text(c.Pct)
			w.Raw("</span>")
		}
		w.Raw("</td>")
	}
	w.Raw("</tr>")
}
