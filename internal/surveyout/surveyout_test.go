package surveyout

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"github.com/xuri/excelize/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func latency(v float64) *float64 { return &v }

// users are two invented respondents whose text needs every CSV escape, and
// one who never answered and whose data could not all be fetched.
var users = []workflows.UserResult{
	{
		TargetUserResourceID: "u-1", Email: "zoe@example.test", FirstName: "Zoë", LastName: "Ångström-Ñúñez",
		Department: "R&D, \"Labs\"", Status: "Completed", LastInteractionDate: keepnetdate.FromString("22/01/2026 13:30:09"),
		Answers: []workflows.Answer{
			{QuestionID: "q1", Question: "How safe, \"really\", do you feel?", Answer: "Safe\nmostly", AnswerCode: "3_Agree", LatencySeconds: latency(75)},
			{QuestionID: "q2", Question: "Preferred channel", Answer: "Email; Chat", AnswerCode: "a,b", LatencySeconds: latency(1.5)},
		},
		Interactions: []workflows.Interaction{{Event: "Opened Email", Time: keepnetdate.FromString("22/01/2026 13:00")}},
	},
	{
		TargetUserResourceID: "u-2", Email: "test.person@example.test", FirstName: "Test", LastName: "Person",
		Status: "In Progress",
		Answers: []workflows.Answer{
			{QuestionID: "q3", Question: "Only some users see this", Answer: "Yes"},
			{QuestionID: "q1", Question: "How safe, \"really\", do you feel?", Answer: "Unsafe"},
		},
		Interactions: []workflows.Interaction{},
	},
	{
		TargetUserResourceID: "u-3", Email: "no.answer@example.test", Status: "Not Responded",
		Answers: []workflows.Answer{}, Interactions: []workflows.Interaction{},
		Error: "answers: 503 Service Unavailable",
	},
}

var header = Header{
	Company:    workflows.Company{ID: "c-1", Name: "Acme <Manufacturing> & Co"},
	Enrollment: Enrollment{ID: "e-1", Name: "Security Culture Survey"},
	// As the server sent it: a field the spec types differently and one it
	// does not know must both come through.
	Summary: json.RawMessage(`{"name":"Security Culture Survey","completedCount":1,"trainingTypeId":"0","x-unknown":{"a":[1,null]}}`),
}

func render(t *testing.T, format string) string {
	t.Helper()
	var out bytes.Buffer
	w, err := New(format, &out, header, Options{SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := w.WriteUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, s)
	}
	return rows
}

func TestNDJSONRecordsRoundTripWithContractFieldNames(t *testing.T) {
	out := render(t, NDJSON)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(users) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(users), out)
	}
	for i, line := range lines {
		var got workflows.UserResult
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, users[i]) {
			t.Errorf("line %d round-trips to %+v, want %+v", i, got, users[i])
		}
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["companyId"] != "c-1" || raw["companyName"] != "Acme <Manufacturing> & Co" || raw["enrollmentId"] != "e-1" || raw["enrollmentName"] != "Security Culture Survey" {
		t.Errorf("record does not name its company and enrollment: %s", lines[0])
	}
	for _, k := range []string{"targetUserResourceId", "email", "firstName", "lastName", "department", "status", "lastInteractionDate", "answers", "interactions"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("record lacks field %q: %s", k, lines[0])
		}
	}
	answer := raw["answers"].([]any)[0].(map[string]any)
	for _, k := range []string{"questionId", "question", "answer", "answerCode", "latencySeconds"} {
		if _, ok := answer[k]; !ok {
			t.Errorf("answer lacks field %q: %s", k, lines[0])
		}
	}
	event := raw["interactions"].([]any)[0].(map[string]any)
	if event["event"] != "Opened Email" || event["time"] != "22/01/2026 13:00" {
		t.Errorf("interaction = %v, want event and time as sent", event)
	}
	if !strings.Contains(lines[2], `"error":"answers: 503 Service Unavailable"`) {
		t.Errorf("failed user's line lacks its error: %s", lines[2])
	}
}

func TestJSONIsOneDocument(t *testing.T) {
	var doc struct {
		Company    workflows.Company      `json:"company"`
		Enrollment Enrollment             `json:"enrollment"`
		Summary    json.RawMessage        `json:"summary"`
		Users      []workflows.UserResult `json:"users"`
	}
	out := render(t, JSON)
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out)
	}
	if doc.Company != header.Company || doc.Enrollment.ID != "e-1" || !bytes.Equal(doc.Summary, header.Summary) {
		t.Errorf("header = %+v %+v %+v", doc.Company, doc.Enrollment, doc.Summary)
	}
	if !reflect.DeepEqual(doc.Users, users) {
		t.Errorf("users = %+v, want %+v", doc.Users, users)
	}
	if !strings.Contains(out, "Acme <Manufacturing> & Co") {
		t.Errorf("HTML characters were escaped:\n%s", out)
	}
}

func TestJSONWithNoUsers(t *testing.T) {
	var out bytes.Buffer
	w, err := New(JSON, &out, header, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || string(doc["users"]) != "[]" {
		t.Errorf("empty survey document = %s (%v), want users: []", out.String(), err)
	}
}

func TestCSVOneRowPerAnswer(t *testing.T) {
	rows := readCSV(t, render(t, CSV))
	want := [][]string{
		csvLongColumns,
		{"c-1", "Acme <Manufacturing> & Co", "u-1", "zoe@example.test", "Zoë", "Ångström-Ñúñez", "R&D, \"Labs\"", "Completed", "22/01/2026 13:30:09", "q1", "How safe, \"really\", do you feel?", "Safe\nmostly", "3_Agree", "75", "", "2026-01-22T13:30:09"},
		{"c-1", "Acme <Manufacturing> & Co", "u-1", "zoe@example.test", "Zoë", "Ångström-Ñúñez", "R&D, \"Labs\"", "Completed", "22/01/2026 13:30:09", "q2", "Preferred channel", "Email; Chat", "a,b", "1.5", "", "2026-01-22T13:30:09"},
		{"c-1", "Acme <Manufacturing> & Co", "u-2", "test.person@example.test", "Test", "Person", "", "In Progress", "", "q3", "Only some users see this", "Yes", "", "", "", ""},
		{"c-1", "Acme <Manufacturing> & Co", "u-2", "test.person@example.test", "Test", "Person", "", "In Progress", "", "q1", "How safe, \"really\", do you feel?", "Unsafe", "", "", "", ""},
		{"c-1", "Acme <Manufacturing> & Co", "u-3", "no.answer@example.test", "", "", "", "Not Responded", "", "", "", "", "", "", "answers: 503 Service Unavailable", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("csv rows =\n%q\nwant\n%q", rows, want)
	}
}

func TestCSVWideOneColumnPerQuestion(t *testing.T) {
	spool := t.TempDir()
	var out bytes.Buffer
	w, err := New(CSVWide, &out, header, Options{SpoolDir: spool})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := w.WriteUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("csv-wide wrote before the question set was known: %q", out.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out.String())
	head := append(append([]string{}, csvWideColumns...), "How safe, \"really\", do you feel?", "Preferred channel", "Only some users see this")
	want := [][]string{
		head,
		{"c-1", "Acme <Manufacturing> & Co", "u-1", "zoe@example.test", "Zoë", "Ångström-Ñúñez", "R&D, \"Labs\"", "Completed", "22/01/2026 13:30:09", "", "2026-01-22T13:30:09", "Safe\nmostly", "Email; Chat", ""},
		{"c-1", "Acme <Manufacturing> & Co", "u-2", "test.person@example.test", "Test", "Person", "", "In Progress", "", "", "", "Unsafe", "", "Yes"},
		{"c-1", "Acme <Manufacturing> & Co", "u-3", "no.answer@example.test", "", "", "", "Not Responded", "", "answers: 503 Service Unavailable", "", "", "", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("csv-wide rows =\n%q\nwant\n%q", rows, want)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("spool left behind: %v", left)
	}
}

func TestCSVWideTellsQuestionsWithTheSameTextApart(t *testing.T) {
	var out bytes.Buffer
	w, err := New(CSVWide, &out, header, Options{SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	err = w.WriteUser(workflows.UserResult{TargetUserResourceID: "u", Answers: []workflows.Answer{
		{QuestionID: "a", Question: "Comments", Answer: "one"},
		{QuestionID: "b", Question: "Comments", Answer: "two"},
		{QuestionID: "c", Question: "", Answer: "three"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, out.String())
	got := rows[0][len(csvWideColumns):]
	if want := []string{"Comments [a]", "Comments [b]", " [c]"}; !reflect.DeepEqual(got, want) {
		t.Errorf("question headers = %q, want %q", got, want)
	}
}

func TestCSVWideDiscardRemovesSpool(t *testing.T) {
	spool := t.TempDir()
	w, err := New(CSVWide, &bytes.Buffer{}, header, Options{SpoolDir: spool})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteUser(users[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Discard(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("spool left behind: %v", left)
	}
}

func TestUnknownFormat(t *testing.T) {
	if Valid("xml") || !Valid("csv-wide") {
		t.Error("Valid disagrees with the format list")
	}
	if _, err := New("xml", &bytes.Buffer{}, header, Options{}); err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("New(xml) error = %v, want one naming the format", err)
	}
}

// TestCSVWideColumnsFollowTheSurveyOrder: the same answers give the same
// columns whatever order the users come in: by session index, where a user
// shown one question fewer sees the later ones one index lower, then by
// question ID.
func TestCSVWideColumnsFollowTheSurveyOrder(t *testing.T) {
	at := func(i int) *int { return &i }
	full := workflows.UserResult{TargetUserResourceID: "u-full", Answers: []workflows.Answer{
		{QuestionID: "zeta", QuestionIndex: at(1), Question: "First", Answer: "a"},
		{QuestionID: "alpha", QuestionIndex: at(2), Question: "Second", Answer: "b"},
		{QuestionID: "mu", QuestionIndex: at(3), Question: "Optional third", Answer: "c"},
		{QuestionID: "beta", QuestionIndex: at(4), Question: "Fourth", Answer: "d"},
	}}
	skipped := workflows.UserResult{TargetUserResourceID: "u-skipped", Answers: []workflows.Answer{
		{QuestionID: "zeta", QuestionIndex: at(1), Question: "First", Answer: "e"},
		{QuestionID: "alpha", QuestionIndex: at(2), Question: "Second", Answer: "f"},
		{QuestionID: "beta", QuestionIndex: at(3), Question: "Fourth", Answer: "g"},
	}}
	tied := workflows.UserResult{TargetUserResourceID: "u-tied", Answers: []workflows.Answer{
		{QuestionID: "omega", Question: "No index, sorts last", Answer: "h"},
		{QuestionID: "delta", QuestionIndex: at(4), Question: "Same index as Fourth, later ID", Answer: "i"},
	}}
	want := []string{"First", "Second", "Optional third", "Fourth", "Same index as Fourth, later ID", "No index, sorts last"}
	for _, order := range [][]workflows.UserResult{
		{full, skipped, tied},
		{skipped, full, tied},
		{tied, skipped, full},
	} {
		var out bytes.Buffer
		w, err := New(CSVWide, &out, header, Options{SpoolDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range order {
			if err := w.WriteUser(u); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, out.String())
		if got := rows[0][len(csvWideColumns):]; !reflect.DeepEqual(got, want) {
			t.Errorf("users %s, %s, %s first: question columns %q, want %q", order[0].TargetUserResourceID, order[1].TargetUserResourceID, order[2].TargetUserResourceID, got, want)
		}
		for _, row := range rows[1:] {
			if row[0] == "u-skipped" && !reflect.DeepEqual(row[len(csvWideColumns):], []string{"e", "f", "", "g", "", ""}) {
				t.Errorf("u-skipped's answers in the wrong columns: %q", row)
			}
		}
	}
}

func TestCSVWideShowsQuestionIDsOnRequest(t *testing.T) {
	var out bytes.Buffer
	w, err := New(CSVWide, &out, header, Options{SpoolDir: t.TempDir(), QuestionIDs: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := w.WriteUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, out.String())[0][len(csvWideColumns):]
	want := []string{`How safe, "really", do you feel? [q1]`, "Preferred channel [q2]", "Only some users see this [q3]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("question headers = %q, want %q", got, want)
	}
}

// TestISODatesAreNeverGuessed: an ambiguous date gets an ISO value only once
// the pull's own dates have shown the day/month order; the notice says why
// the others have none.
func TestISODatesAreNeverGuessed(t *testing.T) {
	user := func(id, date string) workflows.UserResult {
		return workflows.UserResult{
			TargetUserResourceID: id, LastInteractionDate: keepnetdate.FromString(date),
			Answers: []workflows.Answer{}, Interactions: []workflows.Interaction{{Event: "Opened Email", Time: keepnetdate.FromString(date)}},
		}
	}
	ambiguousFirst := []workflows.UserResult{user("u-1", "05/02/2026 09:00"), user("u-2", "22/01/2026 13:30:09"), user("u-3", "03/04/2026 10:00")}
	tests := []struct {
		name       string
		format     string
		users      []workflows.UserResult
		want       []string // lastInteractionDateIso per user
		wantNotice string   // in DateNotice; "" for none
	}{
		{"ndjson: only after the order is shown", NDJSON, ambiguousFirst,
			[]string{"", "2026-01-22T13:30:09", "2026-04-03T10:00:00"}, "2 with day and month both 12 or less have no ISO 8601 value: they came before"},
		{"csv-wide: every date, as it sees them all first", CSVWide, ambiguousFirst,
			[]string{"2026-02-05T09:00:00", "2026-01-22T13:30:09", "2026-04-03T10:00:00"}, ""},
		{"never shown", CSV, []workflows.UserResult{user("u-1", "05/02/2026 09:00"), user("u-2", "2026-01-22T13:30:09.1234567")},
			[]string{"", "2026-01-22T13:30:09.1234567"}, "no date of this survey had a day above 12"},
		{"both orders shown", CSVWide, []workflows.UserResult{user("u-1", "22/01/2026 09:00"), user("u-2", "01/22/2026 09:00"), user("u-3", "05/02/2026 09:00")},
			[]string{"2026-01-22T09:00:00", "2026-01-22T09:00:00", ""}, "show both DD/MM and MM/DD"},
		{"unreadable", JSON, []workflows.UserResult{user("u-1", "yesterday")}, []string{""}, "2 in a format keepnet-flow does not know"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w, err := New(tt.format, &out, header, Options{SpoolDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range tt.users {
				if err := w.WriteUser(u); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got := isoColumn(t, tt.format, out.String()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lastInteractionDateIso = %q, want %q\n%s", got, tt.want, out.String())
			}
			notice := w.DateNotice()
			if (tt.wantNotice == "") != (notice == "") || !strings.Contains(notice, tt.wantNotice) {
				t.Errorf("notice %q, want one containing %q", notice, tt.wantNotice)
			}
		})
	}
}

// isoColumn reads lastInteractionDateIso per user from any format, checking
// on the way that the JSON formats give interactions the same value.
func isoColumn(t *testing.T, format, out string) []string {
	t.Helper()
	type rec struct {
		ISO          string `json:"lastInteractionDateIso"`
		Interactions []struct {
			TimeISO string `json:"timeIso"`
		} `json:"interactions"`
	}
	var recs []rec
	switch format {
	case NDJSON:
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var r rec
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
	case JSON:
		var doc struct{ Users []rec }
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		recs = doc.Users
	default:
		rows := readCSV(t, out)
		col := slices.Index(rows[0], "lastInteractionDateIso")
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[col])
		}
		return got
	}
	var got []string
	for _, r := range recs {
		got = append(got, r.ISO)
		if len(r.Interactions) != 1 || r.Interactions[0].TimeISO != r.ISO {
			t.Errorf("interaction timeIso %+v differs from %q", r.Interactions, r.ISO)
		}
	}
	return got
}

// acrossCompanies writes the test users split over two companies, as a
// pull across companies does.
func acrossCompanies(t *testing.T, format string) string {
	t.Helper()
	second := Header{Company: workflows.Company{ID: "c-2", Name: "Globex, \"Retail\""}, Enrollment: Enrollment{ID: "e-2", Name: "Security Culture Survey"}, Summary: json.RawMessage(`{"completedCount":0}`)}
	var out bytes.Buffer
	w, err := New(format, &out, Header{}, Options{SpoolDir: t.TempDir(), Grouped: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range users {
		switch i {
		case 0:
			err = w.BeginCompany(header)
		case 2:
			err = w.BeginCompany(second)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteUser(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestEveryFormatNamesEachRecordsCompany(t *testing.T) {
	want := []string{"c-1", "c-1", "c-2"}
	wantNames := []string{header.Company.Name, header.Company.Name, "Globex, \"Retail\""}
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			out := acrossCompanies(t, format)
			var ids, names []string
			switch format {
			case NDJSON:
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var r workflows.SurveyRecord
					if err := json.Unmarshal([]byte(line), &r); err != nil {
						t.Fatal(err)
					}
					ids, names = append(ids, r.CompanyID), append(names, r.CompanyName)
				}
			case JSON:
				var doc struct {
					Companies []struct {
						Company    workflows.Company        `json:"company"`
						Enrollment Enrollment               `json:"enrollment"`
						Summary    json.RawMessage          `json:"summary"`
						Users      []workflows.SurveyRecord `json:"users"`
					} `json:"companies"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("not one JSON document: %v\n%s", err, out)
				}
				if len(doc.Companies) != 2 || doc.Companies[0].Enrollment.ID != "e-1" || doc.Companies[1].Enrollment.ID != "e-2" ||
					string(doc.Companies[1].Summary) != `{"completedCount":0}` || len(doc.Companies[0].Users) != 2 || len(doc.Companies[1].Users) != 1 {
					t.Fatalf("groups are not one per company with its enrollment, summary and users:\n%s", out)
				}
				for _, g := range doc.Companies {
					for _, u := range g.Users {
						if u.CompanyID != g.Company.ID {
							t.Errorf("record of %s in the group of %s", u.CompanyID, g.Company.ID)
						}
						ids, names = append(ids, u.CompanyID), append(names, u.CompanyName)
					}
				}
			case CSV, CSVWide, XLSX:
				var rows [][]string
				if format == XLSX {
					rows = readXLSX(t, out)
				} else {
					rows = readCSV(t, out)
				}
				if rows[0][0] != "companyId" || rows[0][1] != "companyName" {
					t.Fatalf("header %q lacks the company columns", rows[0])
				}
				seen := map[string]bool{}
				for _, row := range rows[1:] {
					if key := row[0] + "/" + row[2]; !seen[key] {
						seen[key] = true
						ids, names = append(ids, row[0]), append(names, row[1])
					}
				}
			}
			if !reflect.DeepEqual(ids, want) || !reflect.DeepEqual(names, wantNames) {
				t.Errorf("companies of the records %q %q, want %q %q", ids, names, want, wantNames)
			}
		})
	}
}

func TestGroupedJSONWithNoCompanies(t *testing.T) {
	var out bytes.Buffer
	w, err := New(JSON, &out, Header{}, Options{Grouped: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != `{"companies":[]}` {
		t.Errorf("document = %s, want {\"companies\":[]}", got)
	}
}

func TestJSONNamesAFailedCompanysError(t *testing.T) {
	var out bytes.Buffer
	w, err := New(JSON, &out, Header{}, Options{Grouped: true})
	if err != nil {
		t.Fatal(err)
	}
	second := Header{Company: workflows.Company{ID: "c-2", Name: "Globex"}}
	for _, step := range []func() error{
		func() error { return w.BeginCompany(header) },
		func() error { return w.WriteUser(users[0]) },
		func() error { w.CompanyFailed("users/search: 503 Service Unavailable"); return nil },
		func() error { return w.BeginCompany(second) },
		func() error { return w.WriteUser(users[1]) },
		w.Close,
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	var doc struct {
		Companies []struct {
			Users []workflows.SurveyRecord `json:"users"`
			Error *string                  `json:"error"`
		} `json:"companies"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out.String())
	}
	if len(doc.Companies) != 2 || doc.Companies[0].Error == nil || *doc.Companies[0].Error != "users/search: 503 Service Unavailable" || doc.Companies[1].Error != nil {
		t.Errorf("document %s: want the first company's error on it alone", out.String())
	}
}

// TestISODatesFollowEachCompanysOrder: each company has its own display
// format, so the day/month order is learnt per company: one that writes
// DD/MM and one that writes MM/DD both get ISO values, instead of a
// conflict that would leave them all without.
func TestISODatesFollowEachCompanysOrder(t *testing.T) {
	user := func(id, date string) workflows.UserResult {
		return workflows.UserResult{TargetUserResourceID: id, LastInteractionDate: keepnetdate.FromString(date), Answers: []workflows.Answer{},
			Interactions: []workflows.Interaction{{Event: "Email Opened", Time: keepnetdate.FromString(date)}}}
	}
	dayFirst := Header{Company: workflows.Company{ID: "c-dm", Name: "Day first"}}
	monthFirst := Header{Company: workflows.Company{ID: "c-md", Name: "Month first"}}
	for _, format := range []string{CSVWide, CSV, NDJSON} {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			w, err := New(format, &out, Header{}, Options{SpoolDir: t.TempDir(), Grouped: true})
			if err != nil {
				t.Fatal(err)
			}
			write := func(h Header, us ...workflows.UserResult) {
				if err := w.BeginCompany(h); err != nil {
					t.Fatal(err)
				}
				for _, u := range us {
					if err := w.WriteUser(u); err != nil {
						t.Fatal(err)
					}
				}
			}
			write(dayFirst, user("u-1", "22/01/2026 09:00"), user("u-2", "05/02/2026 09:00"))
			write(monthFirst, user("u-3", "01/22/2026 09:00"), user("u-4", "03/04/2026 09:00"))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			want := []string{"2026-01-22T09:00:00", "2026-02-05T09:00:00", "2026-01-22T09:00:00", "2026-03-04T09:00:00"}
			if got := isoColumn(t, format, out.String()); !reflect.DeepEqual(got, want) {
				t.Errorf("ISO dates %q, want %q", got, want)
			}
			if notice := w.DateNotice(); notice != "" {
				t.Errorf("notice %q; every date's order was known", notice)
			}
		})
	}
}

// TestISODatesFollowTheCompanysSetting: with the company's date-format
// setting known, even the first ambiguous date gets its ISO value, in the
// streaming formats too, and no notice is needed.
func TestISODatesFollowTheCompanysSetting(t *testing.T) {
	user := func(id, date string) workflows.UserResult {
		return workflows.UserResult{TargetUserResourceID: id, LastInteractionDate: keepnetdate.FromString(date), Answers: []workflows.Answer{},
			Interactions: []workflows.Interaction{{Event: "Email Opened", Time: keepnetdate.FromString(date)}}}
	}
	for _, tt := range []struct {
		order keepnetdate.Order
		want  string
	}{{keepnetdate.DayFirst, "2026-02-05T09:00:00"}, {keepnetdate.MonthFirst, "2026-05-02T09:00:00"}} {
		for _, format := range []string{NDJSON, CSV, CSVWide, JSON} {
			h := Header{Company: workflows.Company{ID: "c-1", Name: "Set"}, DateOrder: tt.order}
			var out bytes.Buffer
			w, err := New(format, &out, h, Options{SpoolDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteUser(user("u-1", "05/02/2026 09:00")); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if got := isoColumn(t, format, out.String()); len(got) != 1 || got[0] != tt.want {
				t.Errorf("%s, order %v: ISO %q, want %q", format, tt.order, got, tt.want)
			}
			if notice := w.DateNotice(); notice != "" {
				t.Errorf("%s: notice %q", format, notice)
			}
		}
	}
}

// readXLSX reads the one sheet of a workbook as rows of text.
func readXLSX(t *testing.T, out string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
