package surveyreport_test

import (
	"context"
	"encoding/json"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"reflect"
	"slices"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// TestReportSurveyCountsWhatTheServerHolds checks every count of the report
// against the fake's own record of each user's latest session.
func TestReportSurveyCountsWhatTheServerHolds(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(60))
	c := clientOf(t, srv)
	report, incomplete, err := reportSurvey(context.Background(), c, acmeSurvey)
	if err != nil {
		t.Fatal(err)
	}
	if incomplete != 0 {
		t.Errorf("%d incomplete users in a fault-free run", incomplete)
	}
	if len(report.Companies) != 1 {
		t.Fatalf("%d companies, want 1", len(report.Companies))
	}
	co := report.Companies[0]
	if co.CompanyID != keepnettest.CompanyAcmeID || co.EnrollmentID != keepnettest.EnrollmentAcmeSurveyID || co.CompanyName != keepnettest.CompanyAcmeName || co.EnrollmentName != keepnettest.SurveyName {
		t.Errorf("company fields = %q %q %q %q", co.CompanyID, co.CompanyName, co.EnrollmentID, co.EnrollmentName)
	}

	users, statuses := 0, map[string]int{}
	answered, counts := map[string]int{}, map[string]map[string]int{}
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		users++
		statuses[u.Status]++
		for _, a := range srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID) {
			answered[a.ScormID]++
			if counts[a.ScormID] == nil {
				counts[a.ScormID] = map[string]int{}
			}
			counts[a.ScormID][a.Option]++
		}
	}
	if co.Users != users || !reflect.DeepEqual(co.Statuses, statuses) {
		t.Errorf("users %d statuses %v, want %d %v", co.Users, co.Statuses, users, statuses)
	}
	// The survey's questions in order, though some users saw one fewer.
	var ids []string
	for _, q := range co.Questions {
		ids = append(ids, q.QuestionID)
	}
	if want := keepnettest.SurveyScormIDs(); !slices.Equal(ids, want) {
		t.Errorf("questions %v, want %v", ids, want)
	}
	for _, q := range co.Questions {
		if q.Answered != answered[q.QuestionID] {
			t.Errorf("%s answered by %d, want %d", q.QuestionID, q.Answered, answered[q.QuestionID])
		}
		got := map[string]int{}
		for _, o := range q.Options {
			if o.Count > 0 {
				got[o.Option] = o.Count
			}
		}
		if !reflect.DeepEqual(got, counts[q.QuestionID]) {
			t.Errorf("%s counts %v, want %v", q.QuestionID, got, counts[q.QuestionID])
		}
		if len(q.Options) != 4 {
			t.Errorf("%s has %d options, want the survey's 4 (chosen or not)", q.QuestionID, len(q.Options))
		}
	}
	// The optional question was skipped by some who answered the others:
	// were it keyed by index, the counts above would already differ.
	if a1, a5 := answered["SCQ01"], answered["SCQ05"]; a5 >= a1 {
		t.Errorf("SCQ05 answered by %d, SCQ01 by %d: the seeded world should have users who did not see SCQ05", a5, a1)
	}
	if _, ok := co.Questions[0].RatingScale(); !ok {
		t.Errorf("%s (%v) is not seen as a rating scale", co.Questions[0].QuestionID, co.Questions[0].Options)
	}
	if _, ok := co.Questions[5].RatingScale(); ok {
		t.Errorf("%s (%v) is taken for a rating scale", co.Questions[5].QuestionID, co.Questions[5].Options)
	}
	if !reflect.DeepEqual(report.Overall, co.Aggregate) {
		t.Error("with one company, overall differs from the company")
	}
}

func answer(id, text, chosen, code string, options ...string) workflows.Answer {
	return workflows.Answer{QuestionID: id, Question: text, Answer: chosen, AnswerCode: code, Options: options}
}

var agreeOptions = []string{"Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"}

func TestSurveyReportBuilder(t *testing.T) {
	acme := surveyreport.Key{CompanyID: "c1", CompanyName: "Example One", EnrollmentID: "e1", EnrollmentName: "Culture"}
	globex := surveyreport.Key{CompanyID: "c2", CompanyName: "Example Two", EnrollmentID: "e2", EnrollmentName: "Culture"}
	type rec struct {
		key surveyreport.Key
		u   workflows.UserResult
	}
	user := func(key surveyreport.Key, status string, answers ...workflows.Answer) rec {
		return rec{key, workflows.UserResult{Status: status, Answers: answers}}
	}
	tests := []struct {
		name    string
		records []rec
		// want is the overall aggregate's questions, as JSON.
		want string
		// company is the first company's questions, as JSON, when set.
		company string
	}{
		{
			name: "listed options in the survey's order, unchosen ones at 0",
			records: []rec{
				user(acme, "Completed", answer("q1", "Q one", "Agree", "4_Agree", agreeOptions...)),
				user(acme, "Completed", answer("q1", "Q one", "Agree", "4_Agree", agreeOptions...)),
				user(acme, "Completed", answer("q1", "Q one", "Strongly disagree", "1_Strongly_disagree", agreeOptions...)),
			},
			want: `[{"questionId":"q1","question":"Q one","answered":3,"options":[{"option":"Strongly disagree","count":1},{"option":"Disagree","count":0},{"option":"Neutral","count":0},{"option":"Agree","count":2},{"option":"Strongly agree","count":0}]}]`,
		},
		{
			name: "a question shown but answered by nobody",
			records: []rec{
				user(acme, "In Progress", answer("q1", "Q one", "Agree", "", agreeOptions...), answer("q2", "Q two", "", "", "Yes", "No")),
				user(acme, "Not Responded"),
			},
			want: `[{"questionId":"q1","question":"Q one","answered":1,"options":[{"option":"Strongly disagree","count":0},{"option":"Disagree","count":0},{"option":"Neutral","count":0},{"option":"Agree","count":1},{"option":"Strongly agree","count":0}]},` +
				`{"questionId":"q2","question":"Q two","answered":0,"options":[{"option":"Yes","count":0},{"option":"No","count":0}]}]`,
		},
		{
			name: "a user who saw one question fewer counts only where they answered",
			records: []rec{
				user(acme, "Completed", answer("q1", "Q one", "Yes", "", "Yes", "No"), answer("q2", "Q two", "No", "", "Yes", "No")),
				user(acme, "Completed", answer("q2", "Q two", "Yes", "", "Yes", "No")),
			},
			want: `[{"questionId":"q1","question":"Q one","answered":1,"options":[{"option":"Yes","count":1},{"option":"No","count":0}]},` +
				`{"questionId":"q2","question":"Q two","answered":2,"options":[{"option":"Yes","count":1},{"option":"No","count":1}]}]`,
		},
		{
			name: "several options chosen, one option with \"; \" in its text",
			records: []rec{
				user(acme, "Completed", answer("q1", "How?", "Email; Phone", "", "Email", "Chat", "Phone", "Desk; then phone")),
				user(acme, "Completed", answer("q1", "How?", "Desk; then phone", "", "Email", "Chat", "Phone", "Desk; then phone")),
			},
			want: `[{"questionId":"q1","question":"How?","answered":2,"options":[{"option":"Email","count":1},{"option":"Chat","count":0},{"option":"Phone","count":1},{"option":"Desk; then phone","count":1}]}]`,
		},
		{
			name: "records without option lists: numbered codes give the order",
			records: []rec{
				user(acme, "Completed", answer("q1", "Q", "Agree", "3_Agree")),
				user(acme, "Completed", answer("q1", "Q", "Disagree", "2_Disagree")),
				user(acme, "Completed", answer("q1", "Q", "Strongly Agree", "4_Strongly_Agree")),
			},
			want: `[{"questionId":"q1","question":"Q","answered":3,"options":[{"option":"Disagree","count":1},{"option":"Agree","count":1},{"option":"Strongly Agree","count":1}]}]`,
		},
		{
			name:    "companies share the union of questions; a company nobody answered in has zeros",
			records: []rec{user(acme, "Not Responded"), user(globex, "Completed", answer("q1", "Q one", "No", "", "Yes", "No"))},
			want:    `[{"questionId":"q1","question":"Q one","answered":1,"options":[{"option":"Yes","count":0},{"option":"No","count":1}]}]`,
			company: `[{"questionId":"q1","question":"Q one","answered":0,"options":[{"option":"Yes","count":0},{"option":"No","count":0}]}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := surveyreport.NewBuilder()
			for _, r := range tt.records {
				b.Add(r.key, r.u)
			}
			report := b.Report()
			if got := mustJSON(t, report.Overall.Questions); got != tt.want {
				t.Errorf("overall questions\n got %s\nwant %s", got, tt.want)
			}
			if tt.company != "" {
				if got := mustJSON(t, report.Companies[0].Questions); got != tt.company {
					t.Errorf("first company's questions\n got %s\nwant %s", got, tt.company)
				}
			}
			users := 0
			for _, c := range report.Companies {
				users += c.Users
			}
			if users != len(tt.records) || report.Overall.Users != len(tt.records) {
				t.Errorf("users: companies %d, overall %d, want %d", users, report.Overall.Users, len(tt.records))
			}
		})
	}
}

func TestSurveyReportFreeTextIsCountedNotListed(t *testing.T) {
	tests := []struct {
		name  string
		users int
		code  func(text string) string
	}{
		{"answers that are their own response codes", 3, func(text string) string { return text }},
		{"more distinct unlisted answers than a choice has", surveyreport.MaxUnlistedOptions + 5, func(string) string { return "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := surveyreport.NewBuilder()
			key := surveyreport.Key{CompanyName: "Example"}
			for i := range tt.users {
				text := "idea " + string(rune('A'+i%26)) + string(rune('a'+i/26))
				b.Add(key, workflows.UserResult{Status: "Completed", Answers: []workflows.Answer{{QuestionID: "free", Answer: text, AnswerCode: tt.code(text)}}})
			}
			q := b.Report().Overall.Questions[0]
			if q.Answered != tt.users || len(q.Options) != 0 {
				t.Errorf("free text: answered %d with %d options, want %d with none", q.Answered, len(q.Options), tt.users)
			}
		})
	}
}

func TestSurveyReportJSONShape(t *testing.T) {
	b := surveyreport.NewBuilder()
	key := surveyreport.Key{CompanyID: "c1", CompanyName: "Example", EnrollmentID: "e1", EnrollmentName: "Culture"}
	b.Add(key, workflows.UserResult{Status: "Completed", Answers: []workflows.Answer{answer("q1", "Q", "Yes", "", "Yes", "No")}})
	got := mustJSON(t, b.Report())
	want := `{"companies":[{"companyId":"c1","companyName":"Example","enrollmentId":"e1","enrollmentName":"Culture","users":1,"statuses":{"Completed":1},"questions":[{"questionId":"q1","question":"Q","answered":1,"options":[{"option":"Yes","count":1},{"option":"No","count":0}]}]}],` +
		`"overall":{"users":1,"statuses":{"Completed":1},"questions":[{"questionId":"q1","question":"Q","answered":1,"options":[{"option":"Yes","count":1},{"option":"No","count":0}]}]}}`
	if got != want {
		t.Errorf("json\n got %s\nwant %s", got, want)
	}
}

func TestRatingScale(t *testing.T) {
	tests := []struct {
		name    string
		options []string
		codes   []string // the SCORM code each option was answered with
		want    []string // negative to positive; nil: not a rating scale
		neutral string
	}{
		{name: "five-point agreement", options: agreeOptions, want: agreeOptions, neutral: "Neutral"},
		{name: "listed positive first", options: []string{"Strongly agree", "Agree", "Disagree", "Strongly disagree"}, want: []string{"Strongly disagree", "Disagree", "Agree", "Strongly agree"}},
		{name: "neither ... nor", options: []string{"Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"}, want: []string{"Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"}, neutral: "Neither satisfied nor dissatisfied"},
		{name: "frequency", options: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}, want: []string{"Never", "Rarely", "Sometimes", "Often", "Always"}, neutral: "Sometimes"},
		{name: "numbers", options: []string{"1", "2", "3", "4", "5"}, want: []string{"1", "2", "3", "4", "5"}, neutral: "3"},
		{name: "texts unknown, codes are anchors", options: []string{"Nope", "Hmm", "Yep"}, codes: []string{"1_Disagree", "2_Neutral", "3_Agree"}, want: []string{"Nope", "Hmm", "Yep"}, neutral: "Hmm"},
		{name: "numbered codes of a plain choice", options: []string{"Forward to IT", "Report button", "Ignore"}, codes: []string{"1_Forward_To_IT", "2_Report_Button", "3_Ignore"}},
		{name: "mixed scales", options: []string{"Never", "Disagree", "Agree"}},
		{name: "out of order", options: []string{"Agree", "Strongly disagree", "Strongly agree", "Disagree"}},
		{name: "one-sided", options: []string{"Neutral", "Agree", "Strongly agree"}},
		{name: "two options", options: []string{"Disagree", "Agree"}},
		{name: "an off-scale option", options: []string{"Disagree", "Neutral", "Agree", "Not applicable"}},
		{name: "numbers with a gap", options: []string{"1", "2", "4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := surveyreport.NewBuilder()
			key := surveyreport.Key{CompanyName: "Example"}
			for i, opt := range tt.options {
				code := ""
				if tt.codes != nil {
					code = tt.codes[i]
				}
				b.Add(key, workflows.UserResult{Answers: []workflows.Answer{answer("q", "Q", opt, code, tt.options...)}})
			}
			points, ok := b.Report().Overall.Questions[0].RatingScale()
			if ok != (tt.want != nil) {
				t.Fatalf("rating scale: %v, want %v", ok, tt.want != nil)
			}
			var got []string
			neutral := ""
			for _, p := range points {
				got = append(got, p.Option)
				if p.Level == 0 {
					neutral = p.Option
				}
				if p.Count != 1 {
					t.Errorf("%q counted %d, want 1", p.Option, p.Count)
				}
			}
			if !slices.Equal(got, tt.want) || neutral != tt.neutral {
				t.Errorf("scale %v (neutral %q), want %v (neutral %q)", got, neutral, tt.want, tt.neutral)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReportSurveyListsEveryQuestionInEveryCompany reports the seeded survey
// with a company whose survey nobody has answered yet: that company still
// lists every question and option, at zero, so companies line up question
// by question, and the overall is the answered company's counts.
func TestReportSurveyListsEveryQuestionInEveryCompany(t *testing.T) {
	srv := specFake(t, keepnettest.WithUsers(12))
	quiet := srv.AddCompany("Example Quiet Co", true)
	srv.AddSurvey(quiet.ID, keepnettest.SurveyName, 0)
	c := clientOf(t, srv)
	b := surveyreport.NewBuilder()
	req := workflows.SurveyRequest{Companies: workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, quiet.ID}}, Enrollment: keepnettest.SurveyName}
	pull, err := workflows.OpenSurveyResults(context.Background(), c, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddPull(context.Background(), pull, nil); err != nil {
		t.Fatal(err)
	}
	r := b.Report()
	if len(r.Companies) != 2 {
		t.Fatalf("%d companies, want 2", len(r.Companies))
	}
	acme, empty := r.Companies[0], r.Companies[1]
	if empty.CompanyID != quiet.ID || empty.Users != 0 || len(empty.Questions) != len(keepnettest.SurveyScormIDs()) {
		t.Fatalf("quiet company: id %q, %d users, %d questions; want %q, 0, %d", empty.CompanyID, empty.Users, len(empty.Questions), quiet.ID, len(keepnettest.SurveyScormIDs()))
	}
	for i, q := range empty.Questions {
		if q.QuestionID != acme.Questions[i].QuestionID || q.Answered != 0 || len(q.Options) != len(acme.Questions[i].Options) {
			t.Errorf("quiet company's %s: answered %d, %d options; want answered 0 and %s's %d options", q.QuestionID, q.Answered, len(q.Options), acme.Questions[i].QuestionID, len(acme.Questions[i].Options))
		}
		for _, o := range q.Options {
			if o.Count != 0 {
				t.Errorf("quiet company's %s: %q counted %d", q.QuestionID, o.Option, o.Count)
			}
		}
	}
	if mustJSON(t, r.Overall.Questions) != mustJSON(t, acme.Questions) || r.Overall.Users != acme.Users {
		t.Error("overall differs from the one company with answers")
	}
}
