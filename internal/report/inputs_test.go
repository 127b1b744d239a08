package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// pages renders a pack's customers that have something in the period,
// and the overview of them, as the tests compare them: the customers an
// input knows of with nothing in the period differ by input (a saved pull
// holds no company it found nothing in).
func pages(t testing.TB, p *report.Pack) map[string]string {
	t.Helper()
	q := *p
	q.Customers = slices.DeleteFunc(slices.Clone(p.Customers), func(c *report.Customer) bool { return c.Empty() })
	return render(t, &q, report.WriteOptions{PageOptions: report.PageOptions{Brand: report.Brand{Name: "Example Reseller"}}, Sort: report.SortClicked})
}

func samePages(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d: %v vs %v", what, len(got), len(want), keys(got), keys(want))
		return
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: no %s", what, name)
			continue
		}
		if g != w {
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Errorf("%s: %s differs at byte %d:\n got …%s…\nwant …%s…", what, name, i, g[max(0, i-200):min(len(g), i+200)], w[max(0, i-200):min(len(w), i+200)])
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The pack is the same whichever input gives it the period's records: the
// service, its pulls saved as ndjson or json, or a sync database.
func TestEveryInputGivesTheSamePack(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(10))
	cl := clientOf(t, srv)
	all := workflows.CompanySelection{All: true}
	svc := report.NewCollector()
	got := pullAll(t, cl, svc, all, winter)
	pack := report.Build(svc, winter, asOf)
	want := pages(t, pack)
	requireRichPack(t, pack)

	dir := t.TempDir()
	nd := []string{filepath.Join(dir, "training.ndjson"), filepath.Join(dir, "phishing.ndjson"), filepath.Join(dir, "survey.ndjson")}
	o := orders(srv)
	writeNDJSON(t, nd[0], saveTraining(got.training, o))
	writeNDJSON(t, nd[1], savePhishing(got.phishing, o))
	writeNDJSON(t, nd[2], got.surveys)
	samePages(t, "ndjson", pages(t, fromFiles(t, nd...)), want)

	js := []string{filepath.Join(dir, "training.json"), filepath.Join(dir, "phishing.json"), filepath.Join(dir, "survey.json")}
	writeJSON(t, js[0], groupedByCompany(saveTraining(got.training, o), func(r savedTraining) workflows.Company {
		return workflows.Company{ID: r.CompanyID, Name: r.CompanyName}
	}))
	writeJSON(t, js[1], savePhishing(got.phishing, o)) // a plain list, as jq -s makes of ndjson
	writeSurveyJSON(t, js[2], got.surveys)
	samePages(t, "json", pages(t, fromFiles(t, js...)), want)

	st := syncDB(t, cl, all, winter)
	db := report.NewCollector()
	if _, err := db.ReadDB(context.Background(), st.DB(), winter, nil); err != nil {
		t.Fatal(err)
	}
	if probs := db.Problems(); len(probs) > 0 {
		t.Errorf("the database gave problems: %v", probs)
	}
	samePages(t, "database", pages(t, report.Build(db, winter, asOf)), want)
}

// requireRichPack fails a test whose world would prove little: it needs
// training with overdue users, simulations with scanner activity and
// repeat clickers, smishing, and surveys.
func requireRichPack(t *testing.T, p *report.Pack) {
	t.Helper()
	var overdue, scanner, repeat, surveys, smishing int
	for _, c := range p.Customers {
		if c.Training != nil {
			overdue += len(c.Training.Overdue)
		}
		if c.Phishing != nil {
			scanner += c.Phishing.Totals.Scanner
			repeat += len(c.Phishing.RepeatClickers)
			for _, j := range c.Phishing.Jobs {
				if j.Channel == workflows.ChannelSmishing {
					smishing++
				}
			}
		}
		surveys += len(c.Surveys)
	}
	if overdue == 0 || scanner == 0 || repeat == 0 || surveys == 0 || smishing == 0 {
		t.Fatalf("the world is too thin to prove anything: %d overdue, %d scanner, %d repeat clickers, %d surveys, %d smishing jobs",
			overdue, scanner, repeat, surveys, smishing)
	}
}

func fromFiles(t testing.TB, paths ...string) *report.Pack {
	t.Helper()
	c := report.NewCollector()
	for _, p := range paths {
		if _, err := c.ReadFile(p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	return report.Build(c, winter, asOf)
}

// groupedByCompany is {"companies": [{"company": …, "records": […]}]}, a
// document grouped as the results commands group json.
func groupedByCompany[R any](records []R, company func(R) workflows.Company) map[string]any {
	var groups []map[string]any
	index := map[string]int{}
	for _, r := range records {
		co := company(r)
		i, ok := index[co.ID]
		if !ok {
			i = len(groups)
			index[co.ID] = i
			groups = append(groups, map[string]any{"company": co, "records": []R{}})
		}
		groups[i]["records"] = append(groups[i]["records"].([]R), r)
	}
	return map[string]any{"companies": groups}
}

// writeSurveyJSON writes survey records as survey-results' json across
// companies writes them.
func writeSurveyJSON(t testing.TB, path string, records []workflows.SurveyRecord) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := surveyout.New(surveyout.JSON, f, surveyout.Header{}, surveyout.Options{Grouped: true})
	if err != nil {
		t.Fatal(err)
	}
	cur := ""
	for _, r := range records {
		if k := r.CompanyID + "/" + r.EnrollmentID; k != cur {
			cur = k
			must(t, w.BeginCompany(surveyout.Header{Company: workflows.Company{ID: r.CompanyID, Name: r.CompanyName},
				Enrollment: surveyout.Enrollment{ID: r.EnrollmentID, Name: r.EnrollmentName}}))
		}
		must(t, w.WriteUser(r.UserResult))
	}
	must(t, w.Close())
}

// A user read twice (one pull saved as ndjson and as json, or two pulls
// that overlap) counts once; copies that differ are a conflict, and the
// later copy is kept.
func TestDuplicatesCountOnceAndConflictsAreReported(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(4))
	cl := clientOf(t, srv)
	svc := report.NewCollector()
	got := pullAll(t, cl, svc, workflows.CompanySelection{All: true}, winter)
	want := pages(t, report.Build(svc, winter, asOf))

	dir := t.TempDir()
	nd, js := filepath.Join(dir, "training.ndjson"), filepath.Join(dir, "training.json")
	writeNDJSON(t, nd, got.training)
	writeJSON(t, js, got.training)
	phish, survey := filepath.Join(dir, "phishing.ndjson"), filepath.Join(dir, "survey.json")
	writeNDJSON(t, phish, got.phishing)
	writeSurveyJSON(t, survey, got.surveys)
	// The surveys twice too: as ndjson, then as survey-results' json.
	surveyND := filepath.Join(dir, "survey.ndjson")
	writeNDJSON(t, surveyND, got.surveys)

	c := report.NewCollector()
	for _, p := range []string{nd, js, phish, phish, surveyND, survey} {
		if _, err := c.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	if n, want := c.Duplicates(), len(got.training)+len(got.phishing)+len(got.surveys); n != want {
		t.Errorf("%d duplicates, want %d", n, want)
	}
	if cf := c.Conflicts(); len(cf) > 0 {
		t.Errorf("identical copies are conflicts: %v", cf[0])
	}
	samePages(t, "every record twice", pages(t, report.Build(c, winter, asOf)), want)

	// A later pull of the same enrollment: one user has completed since.
	later := slices.Clone(got.training)
	i := slices.IndexFunc(later, func(r workflows.TrainingRecord) bool { return r.Status != "Completed" })
	later[i].Status = "Completed"
	laterPath := filepath.Join(dir, "training-later.ndjson")
	writeNDJSON(t, laterPath, later[:i+1])
	c = report.NewCollector()
	for _, p := range []string{nd, laterPath} {
		if _, err := c.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	cf := c.Conflicts()
	if len(cf) != 1 || cf[0].User != later[i].TargetUserResourceID || !slices.Equal(cf[0].Fields, []string{"status"}) ||
		cf[0].Kept != laterPath || !strings.Contains(cf[0].String(), "status differ") {
		t.Fatalf("conflicts %+v, want the one user's status", cf)
	}
	pack := report.Build(c, winter, asOf)
	completed, users := 0, 0
	for _, cu := range pack.Customers {
		if cu.Training != nil {
			completed += cu.Training.Completed
			users += cu.Training.Users
		}
	}
	wantCompleted := 0
	for _, r := range got.training {
		if r.Status == "Completed" {
			wantCompleted++
		}
	}
	if users != len(got.training) || completed != wantCompleted+1 {
		t.Errorf("%d users, %d completed; want %d, %d (the later copy kept)", users, completed, len(got.training), wantCompleted+1)
	}
}

// Saved pulls that are not results output are refused, saying why.
func TestReadRefusesWhatIsNotResults(t *testing.T) {
	for name, body := range map[string]string{
		"empty":     "",
		"not json":  "status,email\nCompleted,a@example.com\n",
		"no record": `{"companies": [{"company": {"id": "x"}}]}`,
	} {
		c := report.NewCollector()
		if _, err := c.Read(strings.NewReader(body), "x.ndjson"); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "training-results") {
			t.Errorf("%s: %v does not say what is wanted", name, err)
		}
	}
}

// Records of enrollments and jobs outside the period are left out of a
// pack from saved pulls, and said to be.
func TestSavedPullsOutsideThePeriodAreLeftOut(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(4))
	svc := report.NewCollector()
	got := pullAll(t, clientOf(t, srv), svc, workflows.CompanySelection{All: true}, winter)
	path := filepath.Join(t.TempDir(), "training.ndjson")
	writeNDJSON(t, path, got.training)
	c := report.NewCollector()
	if _, err := c.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	december := report.Period{Since: winter.Since, Until: winter.Since.AddDate(0, 1, 0)}
	p := report.Build(c, december, asOf)
	n := 0
	for _, cu := range p.Customers {
		if cu.Training != nil {
			n += cu.Training.Users
		}
	}
	if n >= len(got.training) || len(p.Notes) == 0 || !strings.Contains(p.Notes[0], fmt.Sprint("December 2025")) {
		t.Errorf("%d of %d users kept for December, notes %q", n, len(got.training), p.Notes)
	}
}

// A saved pull without ISO companions cannot tell a start date that reads
// either way round: the job is left out, named as a problem of its
// company's, never placed by a guess.
func TestAmbiguousStartsInSavedPullsAreNamedNotGuessed(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(10))
	svc := report.NewCollector()
	got := pullAll(t, clientOf(t, srv), svc, workflows.CompanySelection{All: true}, winter)
	var harbourside []workflows.PhishingRecord // its only job started on 05/12/2025, its only dates
	for _, r := range got.phishing {
		if r.CompanyName == "Harbourside Clinics" {
			harbourside = append(harbourside, r)
		}
	}
	if len(harbourside) == 0 {
		t.Fatal("the world has no Harbourside Clinics job")
	}
	path := filepath.Join(t.TempDir(), "phishing.ndjson")
	writeNDJSON(t, path, harbourside)
	c := report.NewCollector()
	if _, err := c.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	p := report.Build(c, winter, asOf)
	cu := p.Customers[0]
	if cu.Phishing != nil || len(cu.Problems) != 1 || !strings.Contains(cu.Problems[0], "day or the month first") {
		t.Errorf("phishing %+v, problems %q", cu.Phishing, cu.Problems)
	}
	// With the companions the results commands write, it is placed.
	writeNDJSON(t, path, savePhishing(harbourside, orders(srv)))
	c = report.NewCollector()
	if _, err := c.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if cu := report.Build(c, winter, asOf).Customers[0]; cu.Phishing == nil || len(cu.Problems) > 0 {
		t.Errorf("with ISO companions: phishing %v, problems %q", cu.Phishing != nil, cu.Problems)
	}
}
