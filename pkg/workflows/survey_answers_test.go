package workflows

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

func seconds(v float64) *float64 { return &v }

func questionIndex(v int) *int { return &v }

func TestAnswersOf(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Answer
	}{
		{
			name: "no sessions: the user never answered",
			body: `{"data":[],"status":"SUCCESS"}`,
			want: []Answer{},
		},
		{
			name: "chosen option text, response code and latency",
			body: `{"data":[{"enrollmentSessionCreatedAt":"22/01/2026 13:30:09","interactionsHumanReadable":[
				{"source":"Qex","index":0,"scormId":"q-culture","question":"I feel safe reporting a mistake, even a \"small\" one.","type":"choice-single",
				 "answers":[{"option":"Disagree","isUserAnswer":false},{"option":"Strongly agree, très","isUserAnswer":true}],
				 "studentOrLearnerResponse":"4_Strongly_Agree","latency":"PT0H1M15S"}]}]}`,
			want: []Answer{{QuestionID: "q-culture", QuestionIndex: questionIndex(0), Question: `I feel safe reporting a mistake, even a "small" one.`, Answer: "Strongly agree, très", AnswerCode: "4_Strongly_Agree", LatencySeconds: seconds(75), Options: []string{"Disagree", "Strongly agree, très"}}},
		},
		{
			name: "latest session wins, by display-format date, not by array order",
			body: `{"data":[
				{"enrollmentSessionCreatedAt":"23/01/2026 09:00","interactionsHumanReadable":[{"scormId":"q1","question":"Q1","answers":[{"option":"Later","isUserAnswer":true}]}]},
				{"enrollmentSessionCreatedAt":"22/01/2026 13:40","interactionsHumanReadable":[{"scormId":"q1","question":"Q1","answers":[{"option":"Earlier","isUserAnswer":true}]}]}]}`,
			want: []Answer{{QuestionID: "q1", Question: "Q1", Answer: "Later", Options: []string{"Later"}}},
		},
		{
			name: "ambiguous day/month resolved by the date that is not",
			body: `{"data":[
				{"enrollmentSessionCreatedAt":"02/03/2026 09:00","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"2 March","isUserAnswer":true}]}]},
				{"enrollmentSessionCreatedAt":"25/02/2026 09:00","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"25 February","isUserAnswer":true}]}]}]}`,
			want: []Answer{{QuestionID: "q1", Answer: "2 March", Options: []string{"2 March"}}},
		},
		{
			name: ".NET dates with seven fractional digits",
			body: `{"data":[
				{"enrollmentSessionCreatedAt":"2026-01-22T13:30:09.1234568","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"later","isUserAnswer":true}]}]},
				{"enrollmentSessionCreatedAt":"2026-01-22T13:30:09.1234567","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"earlier","isUserAnswer":true}]}]}]}`,
			want: []Answer{{QuestionID: "q1", Answer: "later", Options: []string{"later"}}},
		},
		{
			name: "unreadable dates: the server's last session",
			body: `{"data":[
				{"enrollmentSessionCreatedAt":"yesterday","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"first","isUserAnswer":true}]}]},
				{"interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"last","isUserAnswer":true}]}]}]}`,
			want: []Answer{{QuestionID: "q1", Answer: "last", Options: []string{"last"}}},
		},
		{
			name: "keyed by scormId: a repeated question keeps its last answer in its first place",
			body: `{"data":[{"interactionsHumanReadable":[
				{"index":0,"scormId":"q1","question":"Q1","answers":[{"option":"first try","isUserAnswer":true}]},
				{"index":1,"scormId":"q2","question":"Q2","answers":[{"option":"only","isUserAnswer":true}]},
				{"index":2,"scormId":"q1","question":"Q1","answers":[{"option":"second try","isUserAnswer":true}]}]}]}`,
			want: []Answer{{QuestionID: "q1", QuestionIndex: questionIndex(0), Question: "Q1", Answer: "second try", Options: []string{"second try"}}, {QuestionID: "q2", QuestionIndex: questionIndex(1), Question: "Q2", Answer: "only", Options: []string{"only"}}},
		},
		{
			name: "several chosen options, a free-text answer, a bad latency, no scormId",
			body: `{"data":[{"interactionsHumanReadable":[
				{"scormId":"multi","answers":[{"option":"Email","isUserAnswer":true},{"option":"Chat","isUserAnswer":false},{"option":"Phone","isUserAnswer":true}],"latency":"soon"},
				{"scormId":"free","type":"long-fill-in","studentOrLearnerResponse":"More posters, fewer quizzes","latency":"PT3.5S"},
				{"index":7,"question":"Unnamed","answers":[{"option":"Yes","isUserAnswer":true}]}]}]}`,
			want: []Answer{
				{QuestionID: "multi", Answer: "Email; Phone", Options: []string{"Email", "Chat", "Phone"}},
				{QuestionID: "free", Answer: "More posters, fewer quizzes", AnswerCode: "More posters, fewer quizzes", LatencySeconds: seconds(3.5)},
				{QuestionID: "index:7", QuestionIndex: questionIndex(7), Question: "Unnamed", Answer: "Yes", Options: []string{"Yes"}},
			},
		},
		{
			name: "latest session has no answers yet",
			body: `{"data":[
				{"enrollmentSessionCreatedAt":"2026-01-20T10:00:00Z","interactionsHumanReadable":[{"scormId":"q1","answers":[{"option":"old","isUserAnswer":true}]}]},
				{"enrollmentSessionCreatedAt":"2026-01-21T10:00:00Z"}]}`,
			want: []Answer{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeAnswers([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(tt.want)
				t.Errorf("answersOf =\n %s\nwant\n %s", gj, wj)
			}
		})
	}
}

// FuzzDecodeAnswers feeds raw exam-result-sessions bodies to the decoder:
// whatever encoding/json decodes must decode the same way, and whatever
// decodes must give one answer per question ID, never a panic.
func FuzzDecodeAnswers(f *testing.F) {
	f.Add(`{"data":[{"enrollmentSessionCreatedAt":"22/01/2026 13:30:09","interactionsHumanReadable":[{"source":"Qex","index":0,"scormId":"q1","question":"Q","type":"choice-single","answers":[{"option":"A","isUserAnswer":true}],"studentOrLearnerResponse":"4_Strongly_Agree","latency":"PT0H1M15S"}]}]}`)
	f.Add(`{"data":[{"enrollmentSessionCreatedAt":"01/02/2026 01:02 PM"},{"enrollmentSessionCreatedAt":"2026/02/01 13:02"}]}`)
	f.Add(`{"data":[{"interactionsHumanReadable":[{"index":3},{"index":3},{"scormId":""}]}]}`)
	f.Add(`{"data":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		agreesWithEncodingJSON[sessionsBody](t, body)
		answers, err := decodeAnswers([]byte(body))
		if err != nil {
			return
		}
		if answers == nil {
			t.Fatal("answersOf returned nil; records must carry an empty list")
		}
		seen := map[string]bool{}
		for _, a := range answers {
			if seen[a.QuestionID] {
				t.Fatalf("question %q answered twice in %s", a.QuestionID, body)
			}
			seen[a.QuestionID] = true
			if a.LatencySeconds != nil && *a.LatencySeconds < 0 {
				t.Fatalf("negative latency in %s", body)
			}
		}
	})
}

// TestLatestSessionFollowsTheCompanysDateOrder: two sessions whose dates
// read either way are ordered by the company's setting when it is known.
func TestLatestSessionFollowsTheCompanysDateOrder(t *testing.T) {
	sessions := []session{
		{CreatedAt: keepnetdate.FromString("05/02/2026 10:00"), Items: []sessionItem{{ScormID: "q", Response: "first listed"}}},
		{CreatedAt: keepnetdate.FromString("03/04/2026 09:00"), Items: []sessionItem{{ScormID: "q", Response: "second listed"}}},
	}
	for order, want := range map[keepnetdate.Order]string{
		keepnetdate.DayFirst:   "second listed", // 3 April after 5 February
		keepnetdate.MonthFirst: "first listed",  // 2 May after 4 March
	} {
		got, ok := latestSession(sessions, order)
		if !ok || got.Items[0].Response != want {
			t.Errorf("order %v: latest is %q, want %q", order, got.Items[0].Response, want)
		}
	}
}
