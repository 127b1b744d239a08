package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/keepnet-flow/keepnet-flow/internal/report/chart"
)

// SortKey orders the overview's customers: by name, or by a headline rate,
// those needing attention first.
type SortKey string

// The overview's orders. Rates sort the customers that need attention
// first: the lowest completion, reporting and response, the most overdue
// users, the highest click and submission rates. Customers without the
// rate come last, by name.
const (
	SortName       SortKey = "name"
	SortCompletion SortKey = "completion"
	SortOverdue    SortKey = "overdue"
	SortClicked    SortKey = "clicked"
	SortSubmitted  SortKey = "submitted"
	SortReported   SortKey = "reported"
	SortResponse   SortKey = "response"
)

var sortKeys = []SortKey{SortName, SortCompletion, SortOverdue, SortClicked, SortSubmitted, SortReported, SortResponse}

// SortKeys lists the orders, as the overview names them.
func SortKeys() []string {
	out := make([]string, len(sortKeys))
	for i, k := range sortKeys {
		out[i] = string(k)
	}
	return out
}

// ParseSortKey reads an order's name, in any case.
func ParseSortKey(s string) (SortKey, bool) {
	for _, k := range sortKeys {
		if strings.EqualFold(strings.TrimSpace(s), string(k)) {
			return k, true
		}
	}
	return "", false
}

// rate is a customer's value for a sort key: ok is false when the
// customer has nothing to measure it by. worseHigh says a higher value
// needs more attention.
func (c *Customer) rate(k SortKey) (v float64, ok, worseHigh bool) {
	share := func(n, of int) (float64, bool) {
		if of <= 0 {
			return 0, false
		}
		return float64(n) / float64(of), true
	}
	switch k {
	case SortCompletion:
		if c.Training != nil {
			v, ok = share(c.Training.Completed, c.Training.Users)
		}
	case SortOverdue:
		if c.Training != nil {
			return float64(len(c.Training.Overdue)), true, true
		}
	case SortClicked, SortSubmitted, SortReported:
		if c.Phishing != nil {
			t := c.Phishing.Totals
			n := map[SortKey]Count{SortClicked: t.Clicked, SortSubmitted: t.Submitted, SortReported: t.Reported}[k]
			if n.Known {
				v, ok = share(n.N, t.Delivered)
			}
		}
		worseHigh = k != SortReported
	case SortResponse:
		users, done := surveyTotals(c.Surveys)
		v, ok = share(done, users)
	}
	return v, ok, worseHigh
}

// Sorted returns the customers in the order of k, ties by name.
func (p *Pack) Sorted(k SortKey) []*Customer {
	out := slices.Clone(p.Customers)
	byName := func(a, b *Customer) int {
		return cmp.Or(cmp.Compare(fold(a.Name()), fold(b.Name())), cmp.Compare(a.Company.ID, b.Company.ID))
	}
	slices.SortStableFunc(out, func(a, b *Customer) int {
		if k == SortName {
			return byName(a, b)
		}
		va, oka, high := a.rate(k)
		vb, okb, _ := b.rate(k)
		switch {
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		case oka && va != vb:
			if high {
				return cmp.Compare(vb, va)
			}
			return cmp.Compare(va, vb)
		}
		return byName(a, b)
	})
	return out
}

// overviewStyle prints the overview's wide table across the page.
const overviewStyle = `@media print { @page { size: A4 landscape; } }
table.list td, table.list th { padding: 4px 6px; }
`

// maxChartRows is the most customers one chart of the overview shows:
// longer lists are drawn in several charts, so that each fits a printed
// page and no page breaks inside a chart.
const maxChartRows = 20

// WriteOverview writes the overview of the pack: one row per customer
// with its headline rates, in the order of k, each name a link to the
// customer's page (files[i] is p.Customers[i]'s file name).
func WriteOverview(out io.Writer, p *Pack, files []string, k SortKey, opts PageOptions) error {
	file := map[*Customer]string{}
	for i, c := range p.Customers {
		if i < len(files) {
			file[c] = files[i]
		}
	}
	customers := p.Sorted(k)
	bw := bufio.NewWriterSize(out, 64<<10)
	w := chart.HTML{Writer: bw}
	title := "Customer overview · " + p.Period.String()
	writeHead(w, title, opts.Brand, overviewStyle)
	writeHeader(w, "Security awareness report", "Customer overview", subtitle(p, opts), opts.Brand)
	var problems []string
	for _, c := range customers {
		if len(c.Problems) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %s", c.Name(), strings.Join(c.Problems, "; ")))
		}
	}
	writeCallout(w, "Some customers' data could not be had; their figures count what could:", problems)
	w.Cards(overviewCards(p))
	writeOverviewCharts(w, customers, k)
	w.Raw(`<section class="block long" id="customers">
  <h2>Customers<span class="count">`)
	w.Text(fmt.Sprintf("%d, ordered by %s", len(customers), orderName(k)))
	w.Raw("</span></h2>\n")
	rows := make([][]cell, 0, len(customers))
	for _, c := range customers {
		name := cell{text: c.Name()}
		if f := file[c]; f != "" {
			name.href = opts.Base + f
		}
		row := []cell{name}
		if t := c.Training; t != nil {
			row = append(row, cell{text: strconv.Itoa(t.Users)}, cell{text: chart.Percent(t.Completed, t.Users)}, cell{text: strconv.Itoa(len(t.Overdue))})
		} else {
			row = append(row, dash(), dash(), dash())
		}
		if ph := c.Phishing; ph != nil {
			t := ph.Totals
			row = append(row, cell{text: strconv.Itoa(len(ph.Jobs))}, cell{text: strconv.Itoa(t.Delivered)},
				cell{text: countPct(t.Clicked, t.Delivered)}, cell{text: countPct(t.Submitted, t.Delivered)}, cell{text: countPct(t.Reported, t.Delivered)})
		} else {
			row = append(row, dash(), dash(), dash(), dash(), dash())
		}
		if len(c.Surveys) > 0 {
			users, done := surveyTotals(c.Surveys)
			row = append(row, cell{text: strconv.Itoa(users)}, cell{text: chart.Percent(done, users)})
		} else {
			row = append(row, dash(), dash())
		}
		rows = append(rows, row)
	}
	writeList(w, []column{{"Customer", true}, {"Trained users", false}, {"Completed", false}, {"Overdue", false},
		{"Simulations", false}, {"Reached", false}, {"Clicked", false}, {"Submitted data", false}, {"Reported", false},
		{"Surveyed users", false}, {"Responded", false}}, rows)
	w.Raw("</section>\n")
	foot := []string{
		"Completed: enrolled users who completed their training. Clicked, submitted data, reported: people who did, of the users a simulation reached; activity the service marks as a mail scanner's is not counted. Responded: users who completed a survey.",
		"– : nothing of the kind in the period.",
	}
	foot = append(foot, p.Notes...)
	writeFooter(w, foot, opts.Brand)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the overview: %w", err)
	}
	return nil
}

func dash() cell { return cell{text: "–"} }

func orderName(k SortKey) string {
	switch k {
	case SortName:
		return "name"
	case SortOverdue:
		return "overdue users, most first"
	case SortClicked, SortSubmitted:
		return string(k) + " rate, highest first"
	}
	return string(k) + " rate, lowest first"
}

func overviewCards(p *Pack) []chart.Card {
	var users, completed, reached, clicked, reported, surveyed, responded, jobs int
	var clickKnown, reportKnown bool
	for _, c := range p.Customers {
		if t := c.Training; t != nil {
			users += t.Users
			completed += t.Completed
		}
		if ph := c.Phishing; ph != nil {
			jobs += len(ph.Jobs)
			reached += ph.Totals.Delivered
			clicked += ph.Totals.Clicked.N
			reported += ph.Totals.Reported.N
			clickKnown = clickKnown || ph.Totals.Clicked.Known
			reportKnown = reportKnown || ph.Totals.Reported.Known
		}
		u, d := surveyTotals(c.Surveys)
		surveyed += u
		responded += d
	}
	cards := []chart.Card{{Label: "Customers", Value: strconv.Itoa(len(p.Customers)), Note: "in this report"}}
	if users > 0 {
		cards = append(cards, chart.Card{Label: "Training completed", Value: chart.Percent(completed, users), Note: fmt.Sprintf("%d of %d enrolled users", completed, users)})
	}
	if jobs > 0 {
		cards = append(cards, chart.Card{Label: "Clicked", Value: countPct(Count{clicked, clickKnown}, reached), Note: fmt.Sprintf("of %d people reached in %s", reached, jobsOf(jobs))})
		cards = append(cards, chart.Card{Label: "Reported", Value: countPct(Count{reported, reportKnown}, reached), Note: "people who reported a simulation"})
	}
	if surveyed > 0 {
		cards = append(cards, chart.Card{Label: "Survey response", Value: chart.Percent(responded, surveyed), Note: fmt.Sprintf("%d of %d users completed", responded, surveyed)})
	}
	return cards
}

// writeOverviewCharts draws the customers' completion and click rates, in
// the overview's order, in charts of at most maxChartRows customers.
func writeOverviewCharts(w chart.HTML, customers []*Customer, k SortKey) {
	type measure struct {
		title, name, color string
		of                 func(*Customer) (n, total int, ok bool)
	}
	measures := []measure{
		{"Training completed", "completed", "#2f7d4f", func(c *Customer) (int, int, bool) {
			if c.Training == nil {
				return 0, 0, false
			}
			return c.Training.Completed, c.Training.Users, true
		}},
		{"Clicked in simulations", "clicked", "#e3a32b", func(c *Customer) (int, int, bool) {
			if c.Phishing == nil || !c.Phishing.Totals.Clicked.Known {
				return 0, 0, false
			}
			return c.Phishing.Totals.Clicked.N, c.Phishing.Totals.Delivered, true
		}},
	}
	for _, m := range measures {
		var ss []chart.Series
		for _, c := range customers {
			if n, total, ok := m.of(c); ok {
				ss = append(ss, chart.Series{Label: c.Name(), Total: total, Counts: []int{n}})
			}
		}
		if len(ss) == 0 {
			continue
		}
		for part := 0; part*maxChartRows < len(ss); part++ {
			chunk := ss[part*maxChartRows : min(len(ss), (part+1)*maxChartRows)]
			w.Raw(`<section class="block">`, "\n  <h2>")
			w.Text(m.title)
			w.Raw(`<span class="count">`)
			if len(ss) > maxChartRows {
				w.Text(fmt.Sprintf("customers %d–%d of %d, ", part*maxChartRows+1, part*maxChartRows+len(chunk), len(ss)))
			}
			w.Text("ordered by " + orderName(k))
			w.Raw("</span></h2>\n  <figure>\n  ")
			w.Raw(chart.Grouped(m.title+" by customer", chunk, []string{m.name}, []string{m.color}, chart.Wide))
			w.Raw("\n  </figure>\n</section>\n")
		}
	}
}
