package surveyreport_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

var positiveFirst = []string{"Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"}

// sampleReport is a small invented survey: a rating scale listed positive
// first, a plain choice, a question whose text and options are markup, and
// a free-text question.
func sampleReport(companies ...string) surveyreport.Report {
	b := surveyreport.NewBuilder()
	for ci, name := range companies {
		key := surveyreport.Key{CompanyID: "c" + name, CompanyName: name, EnrollmentID: "e1", EnrollmentName: "Culture check"}
		for u := range 6 + ci {
			b.Add(key, workflows.UserResult{Status: []string{"Completed", "In Progress", "Not Responded"}[u%3], Answers: []workflows.Answer{
				{QuestionID: "rate", Question: "I feel safe reporting a mistake.", Answer: positiveFirst[(u+ci)%5], Options: positiveFirst},
				{QuestionID: "how", Question: "How do you report a suspicious email?", Answer: []string{"Report button", "Forward to IT", "Ignore it"}[u%3], Options: []string{"Report button", "Forward to IT", "Ignore it", "Reply"}},
				{QuestionID: "markup", Question: `Is <script>alert("x")</script> & co. safe?`, Answer: "<b>yes</b>", Options: []string{"<b>yes</b>", "no"}},
				{QuestionID: "free", Question: "Anything else?", Answer: "More posters", AnswerCode: "More posters"},
			}})
		}
	}
	return b.Report()
}

func render(t *testing.T, r surveyreport.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := surveyreport.WriteHTML(&buf, r, surveyreport.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// section returns the part of the page about one question.
func section(t *testing.T, page, id string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `<section class="block" id="q-`+id+`">`)
	if !ok {
		t.Fatalf("no section for question %s", id)
	}
	s, _, _ := strings.Cut(rest, "</section>")
	return s
}

func TestHTMLDrawsRatingScalesDivergingAndChoicesAsBars(t *testing.T) {
	for _, companies := range [][]string{{"Example One"}, {"Example One", "Example Two"}} {
		page := render(t, sampleReport(companies...))
		rate := section(t, page, "rate")
		if !strings.Contains(rate, `class="zero"`) || !strings.Contains(rate, `class="side neg"`) {
			t.Errorf("%d companies: the rating scale is not a diverging bar", len(companies))
		}
		// Negative to positive, though the survey listed them the other way.
		if strings.Index(rate, "Strongly disagree") > strings.Index(rate, "Strongly agree") {
			t.Errorf("%d companies: the scale runs positive to negative", len(companies))
		}
		how := section(t, page, "how")
		if strings.Contains(how, `class="zero"`) || strings.Contains(how, `class="side neg"`) {
			t.Errorf("%d companies: a plain choice is drawn as a rating scale", len(companies))
		}
		// Every option, chosen or not, is in the table.
		if !strings.Contains(how, ">Reply<") {
			t.Errorf("%d companies: the option nobody chose is missing", len(companies))
		}
		rows := len(companies)
		if rows > 1 {
			rows++ // the overall
		}
		if got := strings.Count(rate, "n="); got != rows {
			t.Errorf("%d companies: %d chart rows, want %d (each company and the overall)", len(companies), got, rows)
		}
		if free := section(t, page, "free"); strings.Contains(free, "<svg") || !strings.Contains(free, "free text") {
			t.Errorf("%d companies: the free-text question is charted", len(companies))
		}
	}
}

func TestHTMLEscapesSurveyText(t *testing.T) {
	page := render(t, sampleReport("Example <One>", "Example & Two"))
	for _, raw := range []string{"<script>", "<b>yes</b>", "Example <One>"} {
		if strings.Contains(page, raw) {
			t.Errorf("page contains %q unescaped", raw)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, "&lt;b&gt;yes&lt;/b&gt;") {
		t.Error("the escaped question or option is missing")
	}
}

func TestHTMLShowsResponseRateAndStatuses(t *testing.T) {
	r := sampleReport("Example One")
	page := render(t, r)
	_, top, _ := strings.Cut(page, "<body>")
	top, _, _ = strings.Cut(top, `id="q-`)
	// 6 users: 2 Completed, 2 In Progress, 2 Not Responded.
	for _, want := range []string{"Response rate", "33%", "Completed", "In Progress", "Not Responded", "<svg"} {
		if !strings.Contains(top, want) {
			t.Errorf("the top of the page lacks %q", want)
		}
	}
}

// A report put together by hand, say decoded from survey-report's JSON and
// filtered, need not list every question in every company.
func TestHTMLToleratesCompaniesWithoutAQuestion(t *testing.T) {
	r := sampleReport("Example One", "Example Two")
	r.Companies[1].Questions = r.Companies[1].Questions[1:]
	r.Companies[0].Questions[1].Options = r.Companies[0].Questions[1].Options[:1]
	page := render(t, r)
	if !strings.Contains(section(t, page, "rate"), "no answers") {
		t.Error("the company without the question is not shown as unanswered")
	}
}
