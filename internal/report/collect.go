package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Collector gathers the records a pack reports, from any input: pulls from
// the service, saved pulls, a sync database. A user's record is kept once
// per company, enrollment or job, whatever number of copies the inputs
// hold (one pull saved as json and as ndjson, overlapping pulls): a copy
// that differs from the one before it is a Conflict, and the later copy
// is kept, as a later pull supersedes an earlier one. It holds the records
// in memory: a month of a reseller's customers, not a stream. It is not
// safe for concurrent use.
type Collector struct {
	companies []*companyIn
	byKey     map[string]*companyIn

	training []workflows.TrainingRecord
	phishing []workflows.PhishingRecord
	surveys  []workflows.SurveyRecord
	// seen maps a record's identity to its place in its kind's slice, and
	// origins to where its kept copy came from.
	seen    map[string]int
	origins map[string]string

	duplicates int
	conflicts  []Conflict
}

// companyIn is a company as the inputs know it.
type companyIn struct {
	co workflows.Company
	// order is the company's day/month order from its settings; evidence
	// is what its records' dates show, for inputs that do not carry the
	// setting.
	order    keepnetdate.Order
	evidence keepnetdate.OrderEvidence
	// problems are what could not be read of the company: a pull that
	// failed, a source whose listing was cut short.
	problems []string
}

// Conflict is a user whose copies in the inputs differ.
type Conflict struct {
	Company, Source, User string
	// Fields are the record's fields that differ; Kept and Dropped say
	// where the copies came from.
	Fields        []string
	Kept, Dropped string
}

func (c Conflict) String() string {
	return fmt.Sprintf("company %q, %s, user %s: %s differ between %s and %s; the copy from %s is kept",
		c.Company, c.Source, c.User, strings.Join(c.Fields, ", "), c.Dropped, c.Kept, c.Kept)
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{byKey: map[string]*companyIn{}, seen: map[string]int{}, origins: map[string]string{}}
}

func companyKey(co workflows.Company) string {
	if co.ID != "" {
		return "id\x00" + co.ID
	}
	return "name\x00" + co.Name
}

// Company registers a company, so that one with nothing in the period
// still has its page and its row in the overview, in the order registered.
// order is its day/month order from its settings, keepnetdate.Unknown when
// the input does not say.
func (c *Collector) Company(co workflows.Company, order keepnetdate.Order) {
	in := c.company(co)
	if order != keepnetdate.Unknown {
		in.order = order
	}
}

// Problem records that some of a company's data could not be had: the
// pack says so on its page and in the overview, and is incomplete.
func (c *Collector) Problem(co workflows.Company, problem string) {
	in := c.company(co)
	if !slices.Contains(in.problems, problem) {
		in.problems = append(in.problems, problem)
	}
}

func (c *Collector) company(co workflows.Company) *companyIn {
	k := companyKey(co)
	in, ok := c.byKey[k]
	if !ok {
		in = &companyIn{co: co}
		c.byKey[k] = in
		c.companies = append(c.companies, in)
	}
	if in.co.Name == "" {
		in.co.Name = co.Name
	}
	return in
}

// AddTraining adds a user's training record; origin names the input, for
// conflicts.
func (c *Collector) AddTraining(r workflows.TrainingRecord, origin string) {
	co := workflows.Company{ID: r.CompanyID, Name: r.CompanyName}
	in := c.company(co)
	for _, t := range []keepnetdate.Time{r.StartDate, r.DueDate, r.FirstCompletionDate, r.LastInteractionDate} {
		in.evidence.Observe(t)
	}
	src := "enrollment " + strconv.Quote(r.EnrollmentName) + " (" + r.EnrollmentID + ")"
	id := "t\x00" + companyKey(co) + "\x00" + r.EnrollmentID + "\x00" + r.TargetUserResourceID
	keep(c, &c.training, r, id, r.TargetUserResourceID, origin, in.co.Name, src)
}

// AddPhishing adds a user's row in a simulation job.
func (c *Collector) AddPhishing(r workflows.PhishingRecord, origin string) {
	co := workflows.Company{ID: r.CompanyID, Name: r.CompanyName}
	in := c.company(co)
	in.evidence.Observe(r.JobStartDate)
	job := jobKey(r)
	src := fmt.Sprintf("%s job %s (campaign %q)", channelOf(r), job, r.CampaignName)
	id := "p\x00" + companyKey(co) + "\x00" + string(channelOf(r)) + "\x00" + job + "\x00" + r.ResourceID
	keep(c, &c.phishing, r, id, r.ResourceID, origin, in.co.Name, src)
}

// AddSurvey adds a user's survey record.
func (c *Collector) AddSurvey(r workflows.SurveyRecord, origin string) {
	co := workflows.Company{ID: r.CompanyID, Name: r.CompanyName}
	in := c.company(co)
	in.evidence.Observe(r.LastInteractionDate)
	src := "survey " + strconv.Quote(r.EnrollmentName)
	id := "s\x00" + companyKey(co) + "\x00" + r.EnrollmentID + "\x00" + r.EnrollmentName + "\x00" + r.TargetUserResourceID
	keep(c, &c.surveys, r, id, r.TargetUserResourceID, origin, in.co.Name, src)
}

// keep appends r to list, or, when a copy of it is already there, counts
// the duplicate and keeps the later copy, recording a conflict if the two
// differ. A record without a user ID cannot be told from another: it is
// kept.
func keep[R any](c *Collector, list *[]R, r R, id, user, origin, company, source string) {
	if user == "" {
		*list = append(*list, r)
		return
	}
	i, dup := c.seen[id]
	if !dup {
		c.seen[id] = len(*list)
		c.origins[id] = origin
		*list = append(*list, r)
		return
	}
	c.duplicates++
	if fields := differing((*list)[i], r); len(fields) > 0 {
		c.conflicts = append(c.conflicts, Conflict{Company: company, Source: source, User: user, Fields: fields, Kept: origin, Dropped: c.origins[id]})
	}
	(*list)[i] = r
	c.origins[id] = origin
}

// differing lists the JSON fields in which a and b differ, in order.
func differing(a, b any) []string {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	if errA != nil || errB != nil || bytes.Equal(ja, jb) {
		return nil
	}
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(ja, &ma) != nil || json.Unmarshal(jb, &mb) != nil {
		return []string{"the record"}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(ma)) {
		if !bytes.Equal(ma[k], mb[k]) {
			out = append(out, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(mb)) {
		if _, ok := ma[k]; !ok {
			out = append(out, k)
		}
	}
	return out
}

// Duplicates is the number of copies dropped: records read more than once.
func (c *Collector) Duplicates() int { return c.duplicates }

// Conflicts are the users whose copies differed, in the order found.
func (c *Collector) Conflicts() []Conflict { return slices.Clone(c.conflicts) }

// Problems lists what could not be had, company by company.
func (c *Collector) Problems() []string {
	var out []string
	for _, in := range c.companies {
		for _, p := range in.problems {
			out = append(out, fmt.Sprintf("%s: %s", nameOf(in.co), p))
		}
	}
	return out
}

// learnOrder takes the company's day/month order from a date the service
// wrote and its ISO 8601 companion in a saved pull (written in the order
// the company's settings name): the reading of raw that gives iso's day is
// the company's. A date whose day and month are the same tells nothing.
func (c *Collector) learnOrder(co workflows.Company, raw keepnetdate.Time, iso string) {
	if raw.IsZero() || len(iso) < len("2006-01-02") {
		return
	}
	in := c.company(co)
	if in.order != keepnetdate.Unknown {
		return
	}
	day := iso[:len("2006-01-02")]
	var found []keepnetdate.Order
	for _, o := range []keepnetdate.Order{keepnetdate.DayFirst, keepnetdate.MonthFirst} {
		if t, err := raw.ParseAs(o, time.UTC); err == nil && t.Format(time.DateOnly) == day {
			found = append(found, o)
		}
	}
	if len(found) == 1 {
		in.order = found[0]
	}
}

// dateOrder is the company's day/month order: its setting's, else what
// its records' dates show.
func (in *companyIn) dateOrder() keepnetdate.Order {
	if in.order != keepnetdate.Unknown {
		return in.order
	}
	return in.evidence.Order()
}

func channelOf(r workflows.PhishingRecord) workflows.Channel {
	if r.Channel == "" {
		return workflows.ChannelPhishing
	}
	return r.Channel
}

func jobKey(r workflows.PhishingRecord) string {
	return r.CampaignID + "/" + strconv.Itoa(r.InstanceGroup)
}

// nameOf names a company: its name, else its ID.
func nameOf(co workflows.Company) string {
	if co.Name != "" {
		return co.Name
	}
	if co.ID != "" {
		return co.ID
	}
	return "(unnamed company)"
}

// Only keeps, of the companies collected, those refs name, by ID or by
// name in any case, in the order named; the others are left out of the
// pack. A ref that names no company collected is an *InputError.
func (c *Collector) Only(refs []string) error {
	var kept []*companyIn
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		i := slices.IndexFunc(c.companies, func(in *companyIn) bool { return in.co.ID == ref })
		if i < 0 {
			i = slices.IndexFunc(c.companies, func(in *companyIn) bool { return strings.EqualFold(in.co.Name, ref) })
		}
		if i < 0 {
			return &workflows.InputError{Field: "company", Value: ref, Reason: fmt.Sprintf("is in none of the inputs (they hold %d companies)", len(c.companies))}
		}
		if !slices.Contains(kept, c.companies[i]) {
			kept = append(kept, c.companies[i])
		}
	}
	c.companies = kept
	return nil
}
