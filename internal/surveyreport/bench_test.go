package surveyreport_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The scale targets: a report from a 20,000-user ndjson, or from 60
// companies, in at most 2 s and 3 MB of HTML.
const maxReportHTML = 3 << 20

var benchLikert = []string{"Strongly Disagree", "Disagree", "Agree", "Strongly Agree"}
var benchCodes = []string{"1_Strongly_Disagree", "2_Disagree", "3_Agree", "4_Strongly_Agree"}

// syntheticUser is an invented user record shaped like a pull's: ten
// questions (one a plain choice), a timeline, every field filled.
func syntheticUser(i int) workflows.UserResult {
	u := workflows.UserResult{
		TargetUserResourceID: fmt.Sprintf("tu%07d", i), Email: fmt.Sprintf("user%d@example.com", i),
		FirstName: "Test", LastName: fmt.Sprintf("User %d", i), Department: "Department " + string(rune('A'+i%7)),
		Status:              []string{"Completed", "Completed", "In Progress", "Opened Email", "Not Responded"}[i%5],
		LastInteractionDate: keepnetdate.FromString("28/01/2026 10:15:00"),
		Interactions: []workflows.Interaction{
			{Event: "Email Sent", Time: keepnetdate.FromString("12/01/2026 09:00:00")},
			{Event: "Email Opened", Time: keepnetdate.FromString("13/01/2026 09:30:00")},
			{Event: "Training Started", Time: keepnetdate.FromString("28/01/2026 10:00:00")},
		},
		Answers: []workflows.Answer{},
	}
	if u.Status == "Opened Email" || u.Status == "Not Responded" {
		return u
	}
	for q := range 10 {
		latency := float64(20 + (i+q)%90)
		a := workflows.Answer{QuestionID: fmt.Sprintf("SCQ%02d", q+1), Question: fmt.Sprintf("Invented statement number %d about security at work.", q+1), LatencySeconds: &latency}
		pick := (i*7 + q*3) % 4
		if q == 5 {
			a.Options = []string{"Forward it to IT, then delete it", "Use the \"Report\" button", "Ignore it", "Reply and ask"}
			a.Answer, a.AnswerCode = a.Options[pick], fmt.Sprintf("%d_Choice", pick+1)
		} else {
			a.Options = benchLikert
			a.Answer, a.AnswerCode = benchLikert[pick], benchCodes[pick]
		}
		u.Answers = append(u.Answers, a)
	}
	return u
}

// writeNDJSON writes users synthetic records as survey-results does.
func writeNDJSON(tb testing.TB, path string, users int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := surveyout.New(surveyout.NDJSON, f, surveyout.Header{}, surveyout.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range users {
		if err := w.WriteUser(syntheticUser(i)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// companiesReport aggregates n invented companies of users each.
func companiesReport(n, users int) surveyreport.Report {
	b := surveyreport.NewBuilder()
	for c := range n {
		key := surveyreport.Key{
			CompanyID: fmt.Sprintf("k3Bench%05d", c), CompanyName: fmt.Sprintf("Example Customer Company %02d Holdings", c),
			EnrollmentID: fmt.Sprintf("e7Bench%05d", c), EnrollmentName: "Security Culture Survey",
		}
		for i := range users {
			b.Add(key, syntheticUser(c*users+i))
		}
	}
	return b.Report()
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkReportFrom20000UserNDJSON reads a 20,000-user survey-results
// ndjson and writes its HTML report.
func BenchmarkReportFrom20000UserNDJSON(b *testing.B) {
	path := filepath.Join(b.TempDir(), "survey.ndjson")
	writeNDJSON(b, path, 20_000)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for b.Loop() {
		builder := surveyreport.NewBuilder()
		if _, err := surveyreport.ReadFile(path, builder); err != nil {
			b.Fatal(err)
		}
		var w countingWriter
		if err := surveyreport.WriteHTML(&w, builder.Report(), surveyreport.HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(info.Size())/(1<<20), "ndjson-MiB")
	b.ReportMetric(float64(size)/1024, "html-KiB")
}

// BenchmarkReportOf60Companies aggregates 60 companies of 100 users and
// writes the HTML report, every question comparing all of them.
func BenchmarkReportOf60Companies(b *testing.B) {
	var size int64
	for b.Loop() {
		var w countingWriter
		if err := surveyreport.WriteHTML(&w, companiesReport(60, 100), surveyreport.HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.ReportMetric(float64(size)/1024, "html-KiB")
}

// TestReportOf60CompaniesFitsIn3MB checks the size target, which does not
// depend on the machine.
func TestReportOf60CompaniesFitsIn3MB(t *testing.T) {
	var w countingWriter
	if err := surveyreport.WriteHTML(&w, companiesReport(60, 20), surveyreport.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if w.n > maxReportHTML {
		t.Errorf("60-company report is %d bytes, over %d", w.n, maxReportHTML)
	}
	if err := surveyreport.WriteHTML(io.Discard, surveyreport.Report{}, surveyreport.HTMLOptions{}); err != nil {
		t.Errorf("an empty report: %v", err)
	}
}

// BenchmarkWriteHTMLOf60Companies writes the HTML of an aggregated
// 60-company report: the page alone, without the aggregation.
func BenchmarkWriteHTMLOf60Companies(b *testing.B) {
	r := companiesReport(60, 100)
	for b.Loop() {
		if err := surveyreport.WriteHTML(io.Discard, r, surveyreport.HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
