package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/plural"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Pack is a period's report of every customer collected.
type Pack struct {
	Period Period
	// AsOf is when the pack was made: users past a due date on that day
	// are overdue.
	AsOf      time.Time
	Customers []*Customer
	// Notes say what of the inputs the pack leaves out and why: records
	// of enrollments and jobs outside the period, test campaigns.
	Notes []string
}

// Customer is one company's part of the pack. A section is nil (or
// empty) when the customer has nothing of it in the period.
type Customer struct {
	Company  workflows.Company
	Training *Training
	Phishing *Phishing
	Surveys  []Survey
	// Problems say what of the customer's data could not be had: the page
	// and the overview say so.
	Problems []string
}

// Survey is one survey enrollment's report, of this customer alone.
type Survey struct {
	Name   string
	Report surveyreport.Report
}

// Name is the customer's name, else its ID.
func (c *Customer) Name() string { return nameOf(c.Company) }

// Empty reports whether the customer has nothing in the period.
func (c *Customer) Empty() bool { return c.Training == nil && c.Phishing == nil && len(c.Surveys) == 0 }

// Build aggregates what c collected into the pack of period p, made at
// asOf. Training records and job rows are kept when their enrollment or
// job started in the period (survey records say nothing of their survey's
// start, and are all kept); those of test campaigns are left out. A
// start date that cannot be placed in the period leaves its records out
// and is a problem of the customer's.
func Build(c *Collector, p Period, asOf time.Time) *Pack {
	pack := &Pack{Period: p, AsOf: asOf}
	loc := p.Since.Location()
	training := map[*companyIn][]workflows.TrainingRecord{}
	phishing := map[*companyIn][]workflows.PhishingRecord{}
	surveys := map[*companyIn][]workflows.SurveyRecord{}
	var outside, tests int
	placed := map[string]bool{} // by company and source: whether in the period
	unplaced := map[*companyIn][]string{}
	in := func(co *companyIn, key string, start keepnetdate.Time, what string) bool {
		key = companyKey(co.co) + "\x00" + key
		ok, seen := placed[key]
		if seen {
			return ok
		}
		ok, err := p.place(start, co.dateOrder())
		if err != nil {
			unplaced[co] = append(unplaced[co], fmt.Sprintf("%s is left out: %v", what, err))
		}
		placed[key] = ok
		if !ok && err == nil {
			outside++
		}
		return ok
	}
	kept := map[*companyIn]bool{}
	for _, co := range c.companies {
		kept[co] = true
	}
	// of is a record's company, nil for one left out (Only).
	of := func(id, name string) *companyIn {
		if co := c.byKey[companyKey(workflows.Company{ID: id, Name: name})]; kept[co] {
			return co
		}
		return nil
	}
	for _, r := range c.training {
		co := of(r.CompanyID, r.CompanyName)
		if co != nil && in(co, "t\x00"+r.EnrollmentID, r.StartDate, fmt.Sprintf("training enrollment %q (%s)", r.EnrollmentName, r.EnrollmentID)) {
			training[co] = append(training[co], r)
		}
	}
	for _, r := range c.phishing {
		co := of(r.CompanyID, r.CompanyName)
		if co == nil {
			continue
		}
		if r.Test {
			tests++
			continue
		}
		job := string(channelOf(r)) + " job " + jobKey(r)
		if in(co, "p\x00"+job, r.JobStartDate, fmt.Sprintf("%s of campaign %q", job, r.CampaignName)) {
			phishing[co] = append(phishing[co], r)
		}
	}
	for _, r := range c.surveys {
		if co := of(r.CompanyID, r.CompanyName); co != nil {
			surveys[co] = append(surveys[co], r)
		}
	}
	for _, co := range c.companies {
		cu := &Customer{Company: co.co, Problems: slices.Concat(co.problems, unplaced[co])}
		cu.Training = trainingOf(training[co], co.dateOrder(), loc, asOf)
		cu.Phishing = phishingOf(phishing[co], co.dateOrder(), loc)
		cu.Surveys = surveysOf(surveys[co])
		pack.Customers = append(pack.Customers, cu)
	}
	if outside > 0 {
		pack.Notes = append(pack.Notes, fmt.Sprintf("%s of the inputs started outside %s: left out",
			plural.Count(outside, "enrollment or job", "enrollments and jobs"), p))
	}
	if tests > 0 {
		pack.Notes = append(pack.Notes, fmt.Sprintf("%s of test campaigns (excluded from reports) left out", plural.Count(tests, "job row", "job rows")))
	}
	return pack
}

// surveysOf aggregates a company's survey records, survey by survey, in
// the order of their names.
func surveysOf(records []workflows.SurveyRecord) []Survey {
	if len(records) == 0 {
		return nil
	}
	builders := map[string]*surveyreport.Builder{}
	keys := map[string]surveyreport.Key{}
	var order []string
	for _, r := range records {
		k := r.EnrollmentID + "\x00" + r.EnrollmentName
		b, ok := builders[k]
		if !ok {
			b = surveyreport.NewBuilder()
			builders[k] = b
			keys[k] = surveyreport.Key{CompanyID: r.CompanyID, CompanyName: r.CompanyName, EnrollmentID: r.EnrollmentID, EnrollmentName: r.EnrollmentName}
			order = append(order, k)
		}
		b.Add(keys[k], r.UserResult)
	}
	slices.SortFunc(order, func(a, b string) int {
		return cmp.Or(cmp.Compare(fold(keys[a].EnrollmentName), fold(keys[b].EnrollmentName)), cmp.Compare(a, b))
	})
	out := make([]Survey, 0, len(order))
	for _, k := range order {
		out = append(out, Survey{Name: cmp.Or(keys[k].EnrollmentName, keys[k].EnrollmentID, "Survey"), Report: builders[k].Report()})
	}
	return out
}
