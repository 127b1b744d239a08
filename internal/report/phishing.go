package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Phishing is a customer's simulations in the period: what people did in
// each job, scanner activity apart, and the people who clicked in more
// than one job.
type Phishing struct {
	Jobs []Job
	// Totals sums the jobs': its rates are the customer's headline.
	Totals         Job
	RepeatClickers []Clicker
}

// Job is one run of a campaign. Opened, Clicked, Submitted and Reported
// count people: users whose row shows the action and whose activity the
// service does not mark as a scanner's. Rates are of Delivered.
type Job struct {
	Channel          workflows.Channel
	Campaign         string
	Run              int
	Start            string
	Test             bool
	Targeted         int
	Delivered        int
	Opened, Clicked  Count
	Submitted        Count
	Reported         Count
	AttachmentOpened Count
	// Scanner counts users whose activity the service marks as not a
	// person's (activityType, or systemActivityType when it gives no
	// activityType, other than "Human"): their opens and clicks are not
	// people's. ScannerClicked is those of them whose row counts clicks.
	Scanner, ScannerClicked int
	// Reclassified counts users whose activity the system marked as a
	// scanner's and an administrator has since marked human: they count
	// as people.
	Reclassified int
	Incomplete   int

	start time.Time
	key   string
}

// Count is a number of people, and whether the channel counts it at all
// (smishing counts no opens).
type Count struct {
	N     int
	Known bool
}

func (c *Count) add(n *int, person bool) {
	if n == nil {
		return
	}
	c.Known = true
	if person && *n > 0 {
		c.N++
	}
}

func (c *Count) sum(o Count) {
	c.N += o.N
	c.Known = c.Known || o.Known
}

// Clicker is a person who clicked in more than one job of the period.
type Clicker struct {
	Name, Email, Department string
	// Clicked and Submitted count the jobs in which they clicked and gave
	// data; Received the jobs delivered to them.
	Clicked, Submitted, Received int
}

// person reports whether a row's activity counts as a person's, and
// whether it does only because an administrator reclassified it. The
// service's values are not documented: "Human" is a person, no value is a
// user without activity, and anything else is kept apart.
func person(r workflows.PhishingRecord) (ok, reclassified bool) {
	effective := cmp.Or(strings.TrimSpace(r.ActivityType), strings.TrimSpace(r.SystemActivityType))
	ok = effective == "" || strings.EqualFold(effective, "Human")
	system := strings.TrimSpace(r.SystemActivityType)
	reclassified = ok && system != "" && !strings.EqualFold(system, "Human")
	return ok, reclassified
}

// delivered reports whether the simulation reached the user: the service
// says so, or, where it gives no delivery status, the row shows activity.
func delivered(r workflows.PhishingRecord) bool {
	if d := strings.TrimSpace(r.Delivery); d != "" {
		return strings.EqualFold(d, "Delivered")
	}
	for _, n := range []*int{r.OpenedCount, r.ClickedCount, r.SubmittedCount, r.ReportedCount} {
		if n != nil && *n > 0 {
			return true
		}
	}
	return false
}

func positive(n *int) bool { return n != nil && *n > 0 }

// phishingOf aggregates a company's job rows, all of one period and none a
// test's.
func phishingOf(records []workflows.PhishingRecord, order keepnetdate.Order, loc *time.Location) *Phishing {
	if len(records) == 0 {
		return nil
	}
	p := &Phishing{}
	byKey := map[string]int{}
	type seen struct {
		c       Clicker
		clicked map[string]bool
	}
	people := map[string]*seen{}
	var peopleOrder []string
	for _, r := range records {
		k := string(channelOf(r)) + "\x00" + jobKey(r)
		i, ok := byKey[k]
		if !ok {
			i = len(p.Jobs)
			byKey[k] = i
			j := Job{Channel: channelOf(r), Campaign: cmp.Or(r.CampaignName, r.CampaignID), Run: r.InstanceGroup, Test: r.Test, key: k}
			j.start, _ = readDate(r.JobStartDate, order, loc)
			j.Start = shown(r.JobStartDate, j.start)
			p.Jobs = append(p.Jobs, j)
		}
		j := &p.Jobs[i]
		j.Targeted++
		isDelivered := delivered(r)
		if isDelivered {
			j.Delivered++
		}
		if r.Error != "" {
			j.Incomplete++
		}
		isPerson, reclassified := person(r)
		if reclassified {
			j.Reclassified++
		}
		if !isPerson {
			j.Scanner++
			if positive(r.ClickedCount) {
				j.ScannerClicked++
			}
		}
		j.Opened.add(r.OpenedCount, isPerson)
		j.Clicked.add(r.ClickedCount, isPerson)
		j.Submitted.add(r.SubmittedCount, isPerson)
		j.Reported.add(r.ReportedCount, isPerson)
		j.AttachmentOpened.add(r.AttachmentOpenedCount, isPerson)

		who := strings.ToLower(strings.TrimSpace(r.Email))
		if who == "" {
			who = "name:" + strings.TrimSpace(r.FirstName+" "+r.LastName)
		}
		if who == "name:" {
			continue
		}
		s, ok := people[who]
		if !ok {
			s = &seen{c: Clicker{Name: personName(r.FirstName, r.LastName, r.Email), Email: r.Email, Department: r.Department}, clicked: map[string]bool{}}
			people[who] = s
			peopleOrder = append(peopleOrder, who)
		}
		if isDelivered {
			s.c.Received++
		}
		if isPerson && positive(r.ClickedCount) && !s.clicked[k] {
			s.clicked[k] = true
			s.c.Clicked++
			if positive(r.SubmittedCount) {
				s.c.Submitted++
			}
		}
	}
	slices.SortStableFunc(p.Jobs, func(a, b Job) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.Campaign, b.Campaign), cmp.Compare(a.Run, b.Run), cmp.Compare(a.key, b.key))
	})
	t := &p.Totals
	for _, j := range p.Jobs {
		t.Targeted += j.Targeted
		t.Delivered += j.Delivered
		t.Opened.sum(j.Opened)
		t.Clicked.sum(j.Clicked)
		t.Submitted.sum(j.Submitted)
		t.Reported.sum(j.Reported)
		t.AttachmentOpened.sum(j.AttachmentOpened)
		t.Scanner += j.Scanner
		t.ScannerClicked += j.ScannerClicked
		t.Reclassified += j.Reclassified
		t.Incomplete += j.Incomplete
	}
	for _, who := range peopleOrder {
		if s := people[who]; s.c.Clicked >= 2 {
			p.RepeatClickers = append(p.RepeatClickers, s.c)
		}
	}
	slices.SortStableFunc(p.RepeatClickers, func(a, b Clicker) int {
		return cmp.Or(cmp.Compare(b.Clicked, a.Clicked), cmp.Compare(b.Submitted, a.Submitted),
			cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.Email, b.Email))
	})
	return p
}
