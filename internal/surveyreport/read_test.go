package surveyreport_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func TestRead(t *testing.T) {
	const u1 = `{"targetUserResourceId":"u1","status":"Completed","answers":[{"questionId":"q1","question":"Q","answer":"Yes","options":["Yes","No"]}]}`
	const u2 = `{"targetUserResourceId":"u2","status":"Not Responded","answers":[],"error":"sessions: 503"}`
	tests := []struct {
		name  string
		input string
		// want lists "company id/name/enrollment id: users" per company.
		want       string
		incomplete int
	}{
		{
			name:       "ndjson without companies: the label",
			input:      u1 + "\n" + u2 + "\n",
			want:       "/label/: 2",
			incomplete: 1,
		},
		{
			name:  "ndjson records that name their company",
			input: `{"targetUserResourceId":"u1","status":"Completed","companyId":"c1","companyName":"Example One"}` + "\n" + `{"targetUserResourceId":"u2","status":"Completed","companyId":"c2","companyName":"Example Two"}` + "\n" + `{"targetUserResourceId":"u3","status":"Completed","companyId":"c1","companyName":"Example One"}`,
			want:  "c1/Example One/: 2 c2/Example Two/: 1",
		},
		{
			name:       "survey-results json document: its header's company and enrollment",
			input:      `{"company":{"id":"c1","name":"Example One"},` + "\n" + `"enrollment":{"id":"e1","name":"Culture","status":"Finished"},"summary":{"x":1},"users":[` + u1 + `,` + u2 + "]}\n",
			want:       "c1/Example One/e1: 2",
			incomplete: 1,
		},
		{
			name:  "a json document without users still reports its survey",
			input: `{"company":{"id":"c1","name":"Example One"},"enrollment":{"id":"e1","name":"Culture"},"summary":null,"users":[]}`,
			want:  "c1/Example One/e1: 0",
		},
		{
			name: "documents grouped by company",
			input: `{"companies":[{"company":{"id":"c1","name":"Example One"},"enrollment":{"id":"e1"},"users":[` + u1 + `]},` +
				`{"company":{"id":"c2","name":"Example Two"},"enrollment":{"id":"e2"},"users":[` + u1 + `,` + u1 + `]}]}`,
			want: "c1/Example One/e1: 1 c2/Example Two/e2: 2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := surveyreport.NewBuilder()
			st, err := surveyreport.Read(strings.NewReader(tt.input), "label", b)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			users := 0
			for _, c := range b.Report().Companies {
				got = append(got, c.CompanyID+"/"+c.CompanyName+"/"+c.EnrollmentID+": "+strconv.Itoa(c.Users))
				users += c.Users
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("companies %q, want %q", strings.Join(got, " "), tt.want)
			}
			if st.Users != users || st.Incomplete != tt.incomplete {
				t.Errorf("stats %+v, want %d users, %d incomplete", st, users, tt.incomplete)
			}
		})
	}
}

func TestReadRefusesWhatIsNotSurveyOutput(t *testing.T) {
	for name, input := range map[string]string{
		"empty":          "  \n",
		"an array":       `[{"targetUserResourceId":"u1"}]`,
		"csv":            "targetUserResourceId,email\nu1,a@example.com\n",
		"other records":  `{"id":"c1","name":"Example"}`,
		"broken json":    `{"targetUserResourceId":"u1","status":`,
		"users not list": `{"company":{"id":"c1"},"users":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := surveyreport.Read(strings.NewReader(input), "label", surveyreport.NewBuilder())
			var ie *workflows.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	for path, want := range map[string]string{"out/acme.ndjson": "acme", "globex.json": "globex", "noext": "noext", "/tmp/.hidden": ".hidden", "a.b.ndjson": "a.b"} {
		if got := surveyreport.Label(path); got != want {
			t.Errorf("Label(%q) = %q, want %q", path, got, want)
		}
	}
}
