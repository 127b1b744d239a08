package surveyreport

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// HTMLOptions tune the HTML report.
type HTMLOptions struct {
	// Title heads the page; empty means the survey's name.
	Title string
	// Generated is when the report was made, shown in its header; zero
	// leaves it out (tests compare pages byte for byte).
	Generated time.Time
}

// WriteHTML writes r as one self-contained HTML page: styles inline, charts
// as inline SVG, no script, nothing fetched from elsewhere (its Content
// Security Policy forbids it, so a regression shows as a browser error).
func WriteHTML(w io.Writer, r Report, opts HTMLOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	writePage(htmlWriter{bw}, buildPage(r, opts))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type page struct {
	Title     string
	Subtitle  string
	Generated string
	Cards     []card
	Status    chartView
	Questions []questionView
}

type card struct {
	Label, Value, Note string
}

type chartView struct {
	Legend []segment
	// Chart is SVG markup, its texts escaped as it was built; empty for a
	// question that is not charted.
	Chart string
	Table table
	// Beside puts the table beside the chart; a table of many companies
	// goes below it, at full width.
	Beside bool
}

type questionView struct {
	Number   int
	ID       string
	Text     string
	Kind     string
	Answered int
	Users    int
	chartView
}

// table is the numbers of a chart. With few companies its rows are the
// options (or statuses) and its columns the companies, so that it fits
// beside the chart; with many, the other way round.
type table struct {
	Corner string
	Head   []string
	Rows   []tableRow
}

type tableRow struct {
	Label string
	Bold  bool
	Cells []tableCell
}

type tableCell struct {
	Count int
	Pct   string
	Bold  bool
}

// maxBeside is the most companies (overall included) whose table fits
// beside a chart.
const maxBeside = 3

// makeTable tabulates series over categories; nLabel names the row or
// column of each series' total.
func makeTable(ss []series, categories []string, nLabel string) (table, bool) {
	if len(ss) <= maxBeside {
		t := table{Corner: ""}
		nRow := tableRow{Label: nLabel, Bold: true}
		for _, s := range ss {
			t.Head = append(t.Head, s.Label)
			nRow.Cells = append(nRow.Cells, tableCell{Count: s.Total, Bold: true})
		}
		t.Rows = append(t.Rows, nRow)
		for j, c := range categories {
			row := tableRow{Label: c}
			for _, s := range ss {
				cell := cellOf(s.Counts[j], s.Total)
				cell.Bold = s.Bold
				row.Cells = append(row.Cells, cell)
			}
			t.Rows = append(t.Rows, row)
		}
		return t, true
	}
	t := table{Corner: "Company", Head: append([]string{nLabel}, categories...)}
	for _, s := range ss {
		row := tableRow{Label: s.Label, Bold: s.Bold, Cells: []tableCell{{Count: s.Total}}}
		for j := range categories {
			row.Cells = append(row.Cells, cellOf(s.Counts[j], s.Total))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, false
}

// seriesLabel names a company's row: its name, else its ID.
func seriesLabel(c CompanySurvey) string {
	if c.CompanyName != "" {
		return c.CompanyName
	}
	if c.CompanyID != "" {
		return c.CompanyID
	}
	return "(unnamed company)"
}

// compared is one row per company, and the overall last when there are
// several companies.
type compared struct {
	label string
	bold  bool
	agg   Aggregate
}

func rowsOf(r Report) []compared {
	var rows []compared
	for _, c := range r.Companies {
		rows = append(rows, compared{label: seriesLabel(c), agg: c.Aggregate})
	}
	if len(r.Companies) != 1 {
		rows = append(rows, compared{label: "Overall", bold: true, agg: r.Overall})
	}
	return rows
}

func buildPage(r Report, opts HTMLOptions) page {
	p := page{Title: opts.Title}
	var names []string
	for _, c := range r.Companies {
		if c.EnrollmentName != "" && !slices.Contains(names, c.EnrollmentName) {
			names = append(names, c.EnrollmentName)
		}
	}
	if p.Title == "" {
		p.Title = "Survey report"
		if len(names) == 1 {
			p.Title = names[0]
		}
	}
	switch len(r.Companies) {
	case 1:
		p.Subtitle = seriesLabel(r.Companies[0])
	default:
		p.Subtitle = fmt.Sprintf("%d companies", len(r.Companies))
	}
	if !opts.Generated.IsZero() {
		p.Generated = opts.Generated.UTC().Format("2 January 2006, 15:04 UTC")
	}
	o := r.Overall
	p.Cards = []card{
		{Label: "Users", Value: fmt.Sprint(o.Users), Note: "targeted by the survey"},
		{Label: "Response rate", Value: pct(o.ResponseRate()), Note: fmt.Sprintf("%d completed the survey", o.Statuses["Completed"])},
	}
	if n := o.Statuses["In Progress"]; n > 0 {
		p.Cards = append(p.Cards, card{Label: "In progress", Value: fmt.Sprint(n), Note: "answered part of it"})
	}
	p.Cards = append(p.Cards, card{Label: "Questions", Value: fmt.Sprint(len(o.Questions)), Note: "counted from each user's latest session"})
	rows := rowsOf(r)
	p.Status = statusView(rows, o)
	for i, q := range o.Questions {
		p.Questions = append(p.Questions, questionOf(i, q, rows))
	}
	return p
}

// statusOrder lists the usual statuses first, in the order a survey moves
// through them backwards (done first), then any others by name.
func statusOrder(o Aggregate) []string {
	order := []string{"Completed", "In Progress", "Opened Email", "Not Responded"}
	var other []string
	for s := range o.Statuses {
		if !slices.Contains(order, s) {
			other = append(other, s)
		}
	}
	slices.Sort(other)
	var out []string
	for _, s := range append(order, other...) {
		if o.Statuses[s] > 0 {
			out = append(out, s)
		}
	}
	return out
}

func statusView(rows []compared, o Aggregate) chartView {
	statuses := statusOrder(o)
	colors := make([]string, len(statuses))
	var v chartView
	var labels []string
	next := 0
	for i, s := range statuses {
		c, ok := statusColors[s]
		if !ok {
			c = categorical[next%len(categorical)]
			next++
		}
		colors[i] = c
		label := s
		if label == "" {
			label = "(no status)"
		}
		v.Legend = append(v.Legend, segment{Label: label, Color: c})
		labels = append(labels, label)
	}
	var ss []series
	for _, r := range rows {
		s := series{Label: r.label, Total: r.agg.Users, Bold: r.bold}
		for _, st := range statuses {
			s.Counts = append(s.Counts, r.agg.Statuses[st])
		}
		ss = append(ss, s)
	}
	v.Chart = stackedChart("Users by status", ss, colors)
	v.Table, v.Beside = makeTable(ss, labels, "Users")
	return v
}

func cellOf(n, total int) tableCell {
	c := tableCell{Count: n, Pct: "–"}
	if total > 0 {
		c.Pct = pct(float64(n) / float64(total))
	}
	return c
}

// questionOf renders question i; rows hold every company's aggregate, whose
// questions list the same questions and options in the same order.
func questionOf(i int, q Question, rows []compared) questionView {
	v := questionView{Number: i + 1, ID: q.QuestionID, Text: q.Question, Answered: q.Answered}
	if v.Text == "" {
		v.Text = q.QuestionID
	}
	v.Users = rows[len(rows)-1].agg.Users // the overall, or the one company
	title := fmt.Sprintf("Question %d: %s", v.Number, v.Text)
	if len(q.Options) == 0 {
		v.Kind = "free text: answers counted, not charted"
		return v
	}
	// order maps the chart's option positions to the question's.
	order := make([]int, len(q.Options))
	for j := range order {
		order[j] = j
	}
	points, scale := q.RatingScale()
	var levels []int
	var colors []string
	if scale {
		v.Kind = "rating scale"
		for j, pt := range points {
			order[j] = slices.IndexFunc(q.Options, func(o OptionCount) bool { return o.Option == pt.Option })
			levels = append(levels, pt.Level)
		}
		colors = scaleColors(levels)
	} else {
		v.Kind = "choice"
		for j := range q.Options {
			colors = append(colors, categorical[j%len(categorical)])
		}
	}
	var ss []series
	for _, r := range rows {
		rq := questionIn(r.agg, i, q.QuestionID)
		s := series{Label: r.label, Total: rq.Answered, Bold: r.bold}
		for _, j := range order {
			s.Counts = append(s.Counts, optionCount(rq, j, q.Options[j].Option))
		}
		ss = append(ss, s)
	}
	var labels []string
	for j, k := range order {
		labels = append(labels, q.Options[k].Option)
		v.Legend = append(v.Legend, segment{Label: q.Options[k].Option, Color: colors[j]})
	}
	v.Table, v.Beside = makeTable(ss, labels, "Answered")
	switch {
	case scale:
		v.Chart = divergingChart(title, ss, levels, colors)
	case len(rows) == 1:
		// One company: plain bars, one per option, say it all; a legend
		// would repeat the labels.
		v.Chart = barChart(title, labels, ss[0], barColor)
		v.Legend = nil
	default:
		v.Chart = stackedChart(title, ss, colors)
	}
	return v
}

// questionIn finds question id in a company's aggregate: at position i, as
// the builder lays reports out, else by ID (a report put together by other
// means); a company without it has a question nobody answered.
func questionIn(a Aggregate, i int, id string) Question {
	if i < len(a.Questions) && a.Questions[i].QuestionID == id {
		return a.Questions[i]
	}
	for _, q := range a.Questions {
		if q.QuestionID == id {
			return q
		}
	}
	return Question{QuestionID: id}
}

// optionCount is the count of option j (text opt) in q, found the same way.
func optionCount(q Question, j int, opt string) int {
	if j < len(q.Options) && q.Options[j].Option == opt {
		return q.Options[j].Count
	}
	for _, o := range q.Options {
		if o.Option == opt {
			return o.Count
		}
	}
	return 0
}

// kindClass is the CSS class of the question's kind badge.
func (q questionView) kindClass() string {
	return strings.Fields(q.Kind)[0]
}
