package surveyreport

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report/chart"
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
	writePage(chart.HTML{Writer: bw}, buildPage(r, opts))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

type page struct {
	Title     string
	Subtitle  string
	Generated string
	Cards     []chart.Card
	Status    chart.View
	Questions []questionView
}

type questionView struct {
	Number   int
	ID       string
	Text     string
	Kind     string
	Answered int
	Users    int
	chart.View
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
	p.Cards = []chart.Card{
		{Label: "Users", Value: fmt.Sprint(o.Users), Note: "targeted by the survey"},
		{Label: "Response rate", Value: chart.Percent(o.Statuses[statusCompleted], o.Users), Note: fmt.Sprintf("%d completed the survey", o.Statuses["Completed"])},
	}
	if n := o.Statuses["In Progress"]; n > 0 {
		p.Cards = append(p.Cards, chart.Card{Label: "In progress", Value: fmt.Sprint(n), Note: "answered part of it"})
	}
	p.Cards = append(p.Cards, chart.Card{Label: "Questions", Value: fmt.Sprint(len(o.Questions)), Note: "counted from each user's latest session"})
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

func statusView(rows []compared, o Aggregate) chart.View {
	statuses := statusOrder(o)
	colors := make([]string, len(statuses))
	var v chart.View
	var labels []string
	next := 0
	for i, s := range statuses {
		c, ok := chart.StatusColor(s)
		if !ok {
			c = chart.Categorical(next)
			next++
		}
		colors[i] = c
		label := s
		if label == "" {
			label = "(no status)"
		}
		v.Legend = append(v.Legend, chart.Segment{Label: label, Color: c})
		labels = append(labels, label)
	}
	var ss []chart.Series
	for _, r := range rows {
		s := chart.Series{Label: r.label, Total: r.agg.Users, Bold: r.bold}
		for _, st := range statuses {
			s.Counts = append(s.Counts, r.agg.Statuses[st])
		}
		ss = append(ss, s)
	}
	v.Chart = chart.Stacked("Users by status", ss, colors, chart.Width(len(ss)))
	v.Table, v.Beside = chart.MakeTable(ss, labels, "Users", "Company")
	return v
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
		colors = chart.ScaleColors(levels)
	} else {
		v.Kind = "choice"
		for j := range q.Options {
			colors = append(colors, chart.Categorical(j))
		}
	}
	var ss []chart.Series
	for _, r := range rows {
		rq := questionIn(r.agg, i, q.QuestionID)
		s := chart.Series{Label: r.label, Total: rq.Answered, Bold: r.bold}
		for _, j := range order {
			s.Counts = append(s.Counts, optionCount(rq, j, q.Options[j].Option))
		}
		ss = append(ss, s)
	}
	var labels []string
	for j, k := range order {
		labels = append(labels, q.Options[k].Option)
		v.Legend = append(v.Legend, chart.Segment{Label: q.Options[k].Option, Color: colors[j]})
	}
	v.Table, v.Beside = chart.MakeTable(ss, labels, "Answered", "Company")
	width := chart.Width(len(ss))
	switch {
	case scale:
		v.Chart = chart.Diverging(title, ss, levels, colors, width)
	case len(rows) == 1:
		// One company: plain bars, one per option, say it all; a legend
		// would repeat the labels.
		v.Chart = chart.Bars(title, labels, ss[0], chart.BarColor, width)
		v.Legend = nil
	default:
		v.Chart = chart.Stacked(title, ss, colors, width)
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
