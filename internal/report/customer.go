package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"github.com/keepnet-flow/keepnet-flow/internal/report/chart"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
)

// WriteCustomer writes one customer's page: one self-contained HTML file
// (styles inline, charts as inline SVG, no script, nothing fetched) with
// its training, its simulations and its surveys in the period, each
// section left out when the customer has none. overview is the overview
// page's file name, for a link back; empty leaves the link out.
func WriteCustomer(out io.Writer, p *Pack, c *Customer, overview string, opts PageOptions) error {
	bw := bufio.NewWriterSize(out, 64<<10)
	w := chart.HTML{Writer: bw}
	writeHead(w, c.Name()+" · Security awareness report · "+p.Period.String(), opts.Brand, "")
	writeHeader(w, "Security awareness report", c.Name(), subtitle(p, opts), opts.Brand)
	writeCallout(w, "Some of this customer's data could not be had; the figures count what could:", c.Problems)
	w.Cards(customerCards(c))
	if c.Empty() {
		w.Raw(`<p class="empty">No training, simulation or survey started in this period.</p>`)
	}
	if c.Training != nil {
		writeTraining(w, c.Training)
	}
	if c.Phishing != nil {
		writePhishing(w, c.Phishing)
	}
	for i, s := range c.Surveys {
		writeSurvey(w, s, i)
	}
	foot := []string{fmt.Sprintf("Prepared for %s for %s.", c.Name(), p.Period.Detail())}
	if opts.Brand.Name != "" {
		foot[0] = fmt.Sprintf("Prepared for %s by %s for %s.", c.Name(), opts.Brand.Name, p.Period.Detail())
	}
	foot = append(foot,
		"Training and simulations are those that started in the period; overdue users are past their enrollment's due date on the day the report was made and have not completed it.",
		"Simulation rates are shares of the users the simulation reached. Activity the service marks as a mail scanner's is counted apart, never as a person's.")
	if overview != "" {
		writeBackLink(w, overview, opts)
	}
	writeFooter(w, foot, opts.Brand)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the page of %s: %w", c.Name(), err)
	}
	return nil
}

func writeBackLink(w chart.HTML, overview string, opts PageOptions) {
	w.Raw(`<p class="note"><a href="`)
	w.Text(opts.Base + overview)
	w.Raw(`">All customers</a></p>`)
}

// customerCards are the customer's headline figures, of the sections it
// has.
func customerCards(c *Customer) []chart.Card {
	var cards []chart.Card
	if t := c.Training; t != nil {
		cards = append(cards, chart.Card{Label: "Training completed", Value: chart.Percent(t.Completed, t.Users), Note: fmt.Sprintf("%d of %d enrolled users", t.Completed, t.Users)})
		cards = append(cards, chart.Card{Label: "Overdue", Value: strconv.Itoa(len(t.Overdue)), Note: "past the due date, not completed"})
	}
	if ph := c.Phishing; ph != nil {
		t := ph.Totals
		cards = append(cards, chart.Card{Label: "Clicked", Value: countPct(t.Clicked, t.Delivered), Note: fmt.Sprintf("people who clicked, of %d reached in %s", t.Delivered, jobsOf(len(ph.Jobs)))})
		cards = append(cards, chart.Card{Label: "Reported", Value: countPct(t.Reported, t.Delivered), Note: "people who reported the simulation"})
	}
	if len(c.Surveys) > 0 {
		users, done := surveyTotals(c.Surveys)
		cards = append(cards, chart.Card{Label: "Survey response", Value: chart.Percent(done, users), Note: fmt.Sprintf("%d of %d users completed", done, users)})
	}
	return cards
}

func jobsOf(n int) string { return plural.Count(n, "simulation", "simulations") }

// countPct is a count's share, or "–" where the channel counts none.
func countPct(c Count, of int) string {
	if !c.Known {
		return "–"
	}
	return chart.Percent(c.N, of)
}

func surveyTotals(ss []Survey) (users, completed int) {
	for _, s := range ss {
		users += s.Report.Overall.Users
		completed += s.Report.Overall.Statuses[statusCompleted]
	}
	return users, completed
}

// trainingStatuses are the statuses of a training's users in the order a
// bar shows them: done first.
var trainingStatuses = []string{"Completed", "In Progress", "Opened Email", "Not Responded"}

func writeTraining(w chart.HTML, t *Training) {
	w.Raw(`<section class="block" id="training">
  <h2>Training completion<span class="count">`)
	w.Text(plural.Count(len(t.Enrollments), "enrollment", "enrollments") + ", " + plural.Count(t.Users, "user", "users"))
	w.Raw(`</span></h2>
  <div class="meta">Each bar is one enrollment's users by status.</div>`)
	statuses := slices.Clone(trainingStatuses)
	for _, e := range t.Enrollments {
		for s := range e.Statuses {
			if !slices.Contains(statuses, s) {
				statuses = append(statuses, s)
			}
		}
	}
	slices.Sort(statuses[len(trainingStatuses):])
	var used []string
	for _, s := range statuses {
		for _, e := range t.Enrollments {
			if e.Statuses[s] > 0 {
				used = append(used, s)
				break
			}
		}
	}
	var v chart.View
	colors := make([]string, len(used))
	next := 0
	for i, s := range used {
		c, ok := chart.StatusColor(s)
		if !ok {
			c = chart.Categorical(next)
			next++
		}
		colors[i] = c
		v.Legend = append(v.Legend, chart.Segment{Label: orNone(s), Color: c})
	}
	ss := make([]chart.Series, 0, len(t.Enrollments))
	for _, e := range t.Enrollments {
		s := chart.Series{Label: e.Name, Total: e.Users}
		for _, st := range used {
			s.Counts = append(s.Counts, e.Statuses[st])
		}
		ss = append(ss, s)
	}
	labels := make([]string, len(used))
	for i, s := range used {
		labels[i] = orNone(s)
	}
	v.Chart = chart.Stacked("Training users by status", ss, colors, chart.Width(len(ss)))
	v.Table, v.Beside = chart.MakeTable(ss, labels, "Users", "Enrollment")
	chart.WriteView(w, v)
	rows := make([][]cell, 0, len(t.Enrollments))
	for _, e := range t.Enrollments {
		due := e.Due
		if due == "" {
			due = "none"
		}
		rows = append(rows, []cell{{text: e.Name}, {text: e.Type}, {text: e.Start}, {text: due},
			{text: strconv.Itoa(e.Users)}, {text: strconv.Itoa(e.Completed), pct: chart.Percent(e.Completed, e.Users)}, {text: strconv.Itoa(e.Overdue)}})
	}
	writeList(w, []column{{"Enrollment", true}, {"Type", true}, {"Start", true}, {"Due", true}, {"Users", false}, {"Completed", false}, {"Overdue", false}}, rows)
	w.Raw("</section>\n")
	if len(t.Overdue) == 0 {
		return
	}
	w.Raw(`<section class="block long" id="overdue">
  <h2>Overdue users<span class="count">`)
	w.Num(len(t.Overdue))
	w.Raw(`</span></h2>
  <div class="meta">Past their enrollment's due date and not completed, enrollment by enrollment, longest overdue first.</div>`)
	for _, e := range t.Enrollments {
		rows = rows[:0]
		for _, u := range t.Overdue {
			if u.enrollmentID == e.ID {
				rows = append(rows, []cell{{text: u.Name}, {text: u.Email}, {text: u.Department}, {text: orNone(u.Status)}, {text: strconv.Itoa(u.Days)}})
			}
		}
		if len(rows) == 0 {
			continue
		}
		w.Raw("\n  <h3>")
		w.Text(fmt.Sprintf("%s · due %s · %d of %d users overdue", e.label(), e.Due, len(rows), e.Users))
		w.Raw("</h3>\n")
		writeList(w, []column{{"User", true}, {"Email", true}, {"Department", true}, {"Status", true}, {"Days overdue", false}}, rows)
	}
	w.Raw("</section>\n")
}

// label names an enrollment on the page: its name, else its ID.
func (e TrainingEnrollment) label() string { return cmp.Or(e.Name, e.ID) }

func orNone(status string) string {
	if status == "" {
		return "(no status)"
	}
	return status
}

// The simulation rates a job's chart shows, and their colours.
var (
	rateNames  = []string{"Opened", "Clicked", "Submitted data", "Reported"}
	rateColors = []string{"#8fb4d9", "#e3a32b", "#a1391f", "#2f7d4f"}
)

func writePhishing(w chart.HTML, ph *Phishing) {
	w.Raw(`<section class="block" id="phishing">
  <h2>Phishing simulations<span class="count">`)
	w.Text(jobsOf(len(ph.Jobs)))
	w.Raw(`</span></h2>
  <div class="meta">What people did with each simulation that reached them: shares of the users it was delivered to.</div>`)
	ss := make([]chart.Series, 0, len(ph.Jobs)+1)
	rows := make([][]cell, 0, len(ph.Jobs)+1)
	for i, j := range append(slices.Clone(ph.Jobs), ph.Totals) {
		label, bold := j.label(), i == len(ph.Jobs)
		if bold {
			if len(ph.Jobs) == 1 {
				break // the one job is the total
			}
			label = "All simulations"
		}
		ss = append(ss, chart.Series{Label: label, Total: j.Delivered, Bold: bold,
			Counts: []int{known(j.Opened), known(j.Clicked), known(j.Submitted), known(j.Reported)}})
		rows = append(rows, []cell{{text: label}, {text: string(j.Channel)}, {text: j.Start},
			{text: strconv.Itoa(j.Targeted)}, {text: strconv.Itoa(j.Delivered), pct: chart.Percent(j.Delivered, j.Targeted)},
			countCell(j.Opened, j.Delivered), countCell(j.Clicked, j.Delivered), countCell(j.Submitted, j.Delivered),
			countCell(j.Reported, j.Delivered), {text: strconv.Itoa(j.Scanner)}})
	}
	legend := make([]chart.Segment, len(rateNames))
	for i := range rateNames {
		legend[i] = chart.Segment{Label: rateNames[i], Color: rateColors[i]}
	}
	w.Raw("\n  <figure>")
	chart.WriteLegend(w, legend)
	w.Raw("\n  ", chart.Grouped("Simulation rates by job", ss, rateNames, rateColors, chart.Wide), "\n  </figure>\n")
	writeList(w, []column{{"Simulation", true}, {"Channel", true}, {"Start", true}, {"Targeted", false}, {"Delivered", false},
		{"Opened", false}, {"Clicked", false}, {"Submitted data", false}, {"Reported", false}, {"Scanner activity", false}}, rows)
	t := ph.Totals
	if t.Scanner > 0 || t.Reclassified > 0 {
		w.Raw(`<p class="note">`)
		w.Text(scannerNote(t))
		w.Raw("</p>")
	}
	w.Raw("</section>\n")
	if len(ph.RepeatClickers) == 0 {
		return
	}
	w.Raw(`<section class="block long" id="repeat-clickers">
  <h2>Repeat clickers<span class="count">`)
	w.Num(len(ph.RepeatClickers))
	w.Raw(`</span></h2>
  <div class="meta">People who clicked in more than one simulation of the period (scanner activity not counted).</div>`)
	rows = rows[:0]
	for _, c := range ph.RepeatClickers {
		rows = append(rows, []cell{{text: c.Name}, {text: c.Email}, {text: c.Department},
			{text: strconv.Itoa(c.Clicked)}, {text: strconv.Itoa(c.Submitted)}, {text: strconv.Itoa(c.Received)}})
	}
	writeList(w, []column{{"Person", true}, {"Email", true}, {"Department", true}, {"Clicked in", false}, {"Submitted data in", false}, {"Simulations received", false}}, rows)
	w.Raw("</section>\n")
}

// label names a job: its campaign, and its run when the campaign ran more
// than once.
func (j Job) label() string {
	if j.Run > 1 {
		return fmt.Sprintf("%s (run %d)", j.Campaign, j.Run)
	}
	return j.Campaign
}

func known(c Count) int {
	if !c.Known {
		return -1
	}
	return c.N
}

func countCell(c Count, of int) cell {
	if !c.Known {
		return cell{text: "–"}
	}
	return cell{text: strconv.Itoa(c.N), pct: chart.Percent(c.N, of)}
}

func scannerNote(t Job) string {
	s := fmt.Sprintf("Scanner activity: the service marks the activity of %s as not a person's (a mail gateway or link scanner opening the message or following its link); %d of them show clicks. Their opens and clicks are not counted above.",
		plural.Count(t.Scanner, "user", "users"), t.ScannerClicked)
	if t.Reclassified > 0 {
		s += fmt.Sprintf(" %s whose activity the service first marked as a scanner's %s reclassified as people by an administrator, and count as people.",
			plural.Count(t.Reclassified, "user", "users"), map[bool]string{true: "was", false: "were"}[t.Reclassified == 1])
	}
	return s
}

func writeSurvey(w chart.HTML, s Survey, i int) {
	prefix := "s" + strconv.Itoa(i+1) + "-"
	o := s.Report.Overall
	w.Raw(`<section class="block survey" id="`, prefix, `survey">
  <h2>Survey: `)
	w.Text(s.Name)
	w.Raw(`<span class="count">`)
	w.Text(fmt.Sprintf("%s response rate, %d of %d users completed", chart.Percent(o.Statuses[statusCompleted], o.Users), o.Statuses[statusCompleted], o.Users))
	w.Raw("</span></h2>\n</section>\n")
	surveyreport.WriteSections(w, s.Report, prefix)
}
