package resultsout

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var (
	coA = workflows.Company{ID: "k3A", Name: "=Alpha Co"}
	coB = workflows.Company{ID: "k3B", Name: "Beta Co"}
	// srcA1 and srcA2 are two enrollments of company A, whose settings
	// say day first; srcB is company B's, whose settings say nothing.
	srcA1 = &workflows.Source{Company: coA, ID: "e7A1", Name: "Phishing Basics", Type: "SCORM", StartDate: keepnetdate.FromString("05/02/2026 09:00"),
		Summary: json.RawMessage(`{"targetUserCount":2}`), Dates: workflows.CompanyDates{Order: keepnetdate.DayFirst}}
	srcA2 = &workflows.Source{Company: coA, ID: "e7A2", Name: "Passwords", Type: "SCORM", Dates: workflows.CompanyDates{Order: keepnetdate.DayFirst}}
	srcB  = &workflows.Source{Company: coB, ID: "e7B1", Name: "Phishing Basics", Type: "SCORM"}
)

func trainingRec(src *workflows.Source, user, first string, done string) workflows.TrainingRecord {
	score := 87.5
	return workflows.TrainingRecord{CompanyID: src.Company.ID, CompanyName: src.Company.Name, EnrollmentID: src.ID, EnrollmentName: src.Name,
		EnrollmentType: src.Type, StartDate: src.StartDate, TargetUserResourceID: user, Email: user + "@example.test", FirstName: first,
		Status: "Completed", ExamScore: &score, FirstCompletionDate: keepnetdate.FromString(done)}
}

// write runs the records through a writer of format: each source's,
// in order.
func write[R any](t *testing.T, k *Kind[R], format string, opts Options, sources []*workflows.Source, recs [][]R) string {
	t.Helper()
	var out bytes.Buffer
	w, err := New(k, format, &out, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range sources {
		if err := w.BeginSource(src); err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[i] {
			if err := w.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTrainingJSONGroupsByCompanyAndSource(t *testing.T) {
	opts := Options{
		Notices: func(id string) []string {
			if id == coA.ID {
				return []string{"summary counts 2 users, 1 listed"}
			}
			return nil
		},
		Skipped: []workflows.CompanyOutcome{{Company: workflows.Company{ID: "k3C", Name: "Gamma"}, Skipped: "no enrollment started in the window"}},
	}
	var out bytes.Buffer
	w, err := New(Training, JSON, &out, opts)
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return w.BeginSource(srcA1) },
		func() error { return w.Write(trainingRec(srcA1, "u1", "Ada", "13/02/2026 10:00")) },
		func() error { return w.BeginSource(srcA2) },
		func() error { return w.BeginSource(srcB) },
		func() error { return w.Write(trainingRec(srcB, "u9", "Bo", "")) },
		func() error { w.CompanyFailed("users/search of enrollment e7B1: 1 missing"); return nil },
		w.Close,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	var doc struct {
		Companies []struct {
			Company workflows.Company `json:"company"`
			Sources []struct {
				ID           string          `json:"id"`
				StartDateISO string          `json:"startDateIso"`
				Summary      json.RawMessage `json:"summary"`
				Records      []map[string]any
			} `json:"sources"`
			Notices []string `json:"notices"`
			Error   string   `json:"error"`
			Skipped string   `json:"skipped"`
		} `json:"companies"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out.String())
	}
	if len(doc.Companies) != 3 {
		t.Fatalf("%d companies, want 3:\n%s", len(doc.Companies), out.String())
	}
	a, b, c := doc.Companies[0], doc.Companies[1], doc.Companies[2]
	if a.Company != coA || len(a.Sources) != 2 || len(a.Sources[0].Records) != 1 || len(a.Sources[1].Records) != 0 || a.Sources[1].Records == nil {
		t.Errorf("company A: %+v", a)
	}
	if a.Sources[0].StartDateISO != "2026-02-05T09:00:00" || string(a.Sources[0].Summary) != `{"targetUserCount":2}` {
		t.Errorf("source header: %+v", a.Sources[0])
	}
	if rec := a.Sources[0].Records[0]; rec["firstCompletionDateIso"] != "2026-02-13T10:00:00" || rec["enrollmentId"] != "e7A1" || rec["companyId"] != "k3A" || rec["examScore"] != 87.5 {
		t.Errorf("record: %v", rec)
	}
	if !slices.Equal(a.Notices, []string{"summary counts 2 users, 1 listed"}) || a.Error != "" {
		t.Errorf("company A's notices %q, error %q", a.Notices, a.Error)
	}
	if b.Company != coB || b.Error == "" || len(b.Notices) != 0 {
		t.Errorf("company B: %+v", b)
	}
	if c.Skipped == "" || len(c.Sources) != 0 {
		t.Errorf("skipped company: %+v", c)
	}
}

// A company without sources (its lookup failed) gets a group with its
// error, and the document stays whole with no company at all.
func TestJSONCompanyWithoutSources(t *testing.T) {
	var out bytes.Buffer
	w, _ := New(Training, JSON, &out, Options{})
	if err := w.BeginCompany(coB); err != nil {
		t.Fatal(err)
	}
	w.CompanyFailed("403")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(out.String()), ""); got != `{"companies":[{"company":{"id":"k3B","name":"BetaCo"},"sources":[],"error":"403"}]}` {
		t.Errorf("got %s", got)
	}
	out.Reset()
	w, _ = New(Training, JSON, &out, Options{})
	if err := w.Close(); err != nil || strings.TrimSpace(out.String()) != `{"companies":[]}` {
		t.Errorf("empty: %q, %v", out.String(), err)
	}
}

func TestTrainingNDJSONAndCSV(t *testing.T) {
	sources := []*workflows.Source{srcA1, srcB}
	recs := [][]workflows.TrainingRecord{{trainingRec(srcA1, "u1", "Ada", "13/02/2026 10:00")}, {trainingRec(srcB, "u9", "@SUM(A1)", "03/04/2026 10:00")}}
	lines := strings.Split(strings.TrimSpace(write(t, Training, NDJSON, Options{}, sources, recs)), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var second map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	// Company B's settings name no order and none of its dates shows it:
	// no ISO value rather than a guess.
	if _, ok := second["firstCompletionDateIso"]; ok || second["firstName"] != "@SUM(A1)" || second["companyName"] != "Beta Co" {
		t.Errorf("second record: %v", second)
	}

	rows, err := csv.NewReader(strings.NewReader(write(t, Training, CSV, Options{}, sources, recs))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !slices.Equal(rows[0], Training.Columns) {
		t.Fatalf("rows %q", rows)
	}
	col := func(name string) int { return slices.Index(Training.Columns, name) }
	if rows[1][col("companyName")] != "'=Alpha Co" || rows[2][col("firstName")] != "'@SUM(A1)" {
		t.Errorf("formulas not neutralised: %q", rows[1:])
	}
	if rows[1][col("firstCompletionDateIso")] != "2026-02-13T10:00:00" || rows[1][col("examScore")] != "87.5" || rows[1][col("enrollmentName")] != "Phishing Basics" {
		t.Errorf("row: %q", rows[1])
	}
	raw, _ := csv.NewReader(strings.NewReader(write(t, Training, CSV, Options{CSVRaw: true}, sources, recs))).ReadAll()
	if raw[1][col("companyName")] != "=Alpha Co" {
		t.Errorf("--csv-raw: %q", raw[1])
	}
	if _, err := New(Training, CSVWide, &bytes.Buffer{}, Options{}); err == nil {
		t.Error("training has a csv-wide")
	}
}

func phishingRec(src *workflows.Source, user string, events ...workflows.Interaction) workflows.PhishingRecord {
	clicks := len(events)
	return workflows.PhishingRecord{CompanyID: src.Company.ID, CompanyName: src.Company.Name, Channel: workflows.ChannelPhishing,
		CampaignID: "c8A", CampaignName: src.Name, InstanceGroup: 1, ResourceID: user, Email: user + "@example.test",
		ClickedCount: &clicks, LastClickedTime: keepnetdate.FromString("14/02/2026 08:00"), Events: events}
}

func TestPhishingCSVWideHasAColumnPairPerEvent(t *testing.T) {
	job := &workflows.Source{Company: coA, ID: "c8A/1", Name: "Invoice", Type: "phishing", Dates: workflows.CompanyDates{Order: keepnetdate.DayFirst}}
	ev := func(kind, at string) workflows.Interaction {
		return workflows.Interaction{Event: kind, Time: keepnetdate.FromString(at), ActivityType: "Human"}
	}
	recs := [][]workflows.PhishingRecord{{
		phishingRec(job, "r1", ev("opened", "10/02/2026 09:00"), ev("clicked", "10/02/2026 09:01"), ev("clicked", "11/02/2026 09:02")),
		phishingRec(job, "r2"),
		phishingRec(job, "r3", ev("attachment-opened", "12/02/2026 10:00")),
	}}
	rows, err := csv.NewReader(strings.NewReader(write(t, Phishing, CSVWide, Options{SpoolDir: t.TempDir()}, []*workflows.Source{job}, recs))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fixed := len(Phishing.Columns)
	wantEvents := []string{"opened1", "opened1Iso", "clicked1", "clicked1Iso", "clicked2", "clicked2Iso", "attachmentOpened1", "attachmentOpened1Iso"}
	if len(rows) != 4 || !slices.Equal(rows[0][fixed:], wantEvents) {
		t.Fatalf("header %q (%d rows)", rows[0][fixed:], len(rows))
	}
	if got := rows[1][fixed:]; !slices.Equal(got, []string{"10/02/2026 09:00", "2026-02-10T09:00:00", "10/02/2026 09:01", "2026-02-10T09:01:00", "11/02/2026 09:02", "2026-02-11T09:02:00", "", ""}) {
		t.Errorf("r1's events: %q", got)
	}
	if got := rows[2][fixed:]; strings.Join(got, "") != "" {
		t.Errorf("r2 has no events: %q", got)
	}
	if got := rows[3][fixed+6]; got != "12/02/2026 10:00" {
		t.Errorf("r3's attachment: %q", rows[3])
	}
	if rows[1][slices.Index(Phishing.Columns, "lastClickedTimeIso")] != "2026-02-14T08:00:00" || rows[1][slices.Index(Phishing.Columns, "clickedCount")] != "3" {
		t.Errorf("r1: %q", rows[1][:fixed])
	}
	for _, r := range rows {
		if len(r) != len(rows[0]) {
			t.Errorf("a row of %d cells under %d columns", len(r), len(rows[0]))
		}
	}
}

func TestPhishingJSONKeepsEventActivity(t *testing.T) {
	job := &workflows.Source{Company: coA, ID: "c8A/1", Name: "Invoice", Dates: workflows.CompanyDates{Order: keepnetdate.DayFirst}}
	rec := phishingRec(job, "r1", workflows.Interaction{Event: "clicked", Time: keepnetdate.FromString("10/02/2026 09:01"), ActivityType: "Bot", SystemActivityType: "Sandbox"})
	out := write(t, Phishing, NDJSON, Options{}, []*workflows.Source{job}, [][]workflows.PhishingRecord{{rec}})
	var got struct {
		Events []map[string]string `json:"events"`
		Clicks int                 `json:"clickedCount"`
		ISO    string              `json:"lastClickedTimeIso"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Events) != 1 || got.Events[0]["timeIso"] != "2026-02-10T09:01:00" || got.Events[0]["activityType"] != "Bot" || got.Events[0]["systemActivityType"] != "Sandbox" || got.Clicks != 1 || got.ISO == "" {
		t.Errorf("got %s", out)
	}
}
