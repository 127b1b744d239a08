package surveyresults_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyout"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// runFastRetry runs the program with a client that retries without the
// default half-second backoff, for fault tests.
func runFastRetry(args ...string) (code int, stdout, stderr string) {
	return clitest.RunWith([]keepnet.Option{clitest.FastRetry()}, args...)
}

// runFastRetryVia is runFastRetry against a clitest.FakeInMemory server.
func runFastRetryVia(srv *keepnettest.Server, args ...string) (code int, stdout, stderr string) {
	return clitest.RunWith([]keepnet.Option{clitest.Via(srv), clitest.FastRetry()}, args...)
}

func TestSurveyResultsDefaultsToNDJSONOnStdout(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithUsers(12))
	code, out, errOut := clitest.Run(clitest.AcmeSurveyArgs...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines, want one per user (12):\n%s", len(lines), out)
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		id, _ := rec["targetUserResourceId"].(string)
		if _, ok := srv.User(keepnettest.EnrollmentAcmeSurveyID, id); !ok {
			t.Errorf("line %d: user %q is not in the survey", i, id)
		}
		for _, k := range []string{"email", "firstName", "lastName", "department", "status", "lastInteractionDate", "answers", "interactions"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("line %d lacks %q", i, k)
			}
		}
	}
	// stderr is not a terminal here: no progress bar, only the summary.
	if strings.ContainsAny(errOut, "\r\x1b") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "12 users") {
		t.Errorf("stderr = %q, want one summary line and no progress bar", errOut)
	}
}

func TestSurveyResultsQuietWritesNothingOnStderr(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(3))
	code, _, errOut := clitest.Run(append([]string{"--quiet"}, clitest.AcmeSurveyArgs...)...)
	if code != 0 || errOut != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
}

// TestSurveyResultsFormatsToFile checks each format's shape through -o.
func TestSurveyResultsFormatsToFile(t *testing.T) {
	const users = 25
	srv := clitest.Fake(t, keepnettest.WithUsers(users))
	answers := 0
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		answers += max(1, len(srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID)))
	}
	tests := []struct {
		format string
		check  func(t *testing.T, data []byte)
	}{
		{"ndjson", func(t *testing.T, data []byte) {
			n := 0
			sc := bufio.NewScanner(bytes.NewReader(data))
			for sc.Scan() {
				var u workflows.UserResult
				if err := json.Unmarshal(sc.Bytes(), &u); err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != users {
				t.Errorf("%d records, want %d", n, users)
			}
		}},
		{"json", func(t *testing.T, data []byte) {
			var doc struct {
				Company    workflows.Company      `json:"company"`
				Enrollment surveyout.Enrollment   `json:"enrollment"`
				Summary    map[string]any         `json:"summary"`
				Users      []workflows.UserResult `json:"users"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("not one JSON document: %v", err)
			}
			if doc.Company.ID != keepnettest.CompanyAcmeID || doc.Enrollment.ID != keepnettest.EnrollmentAcmeSurveyID || doc.Summary == nil || len(doc.Users) != users {
				t.Errorf("document: company %+v, enrollment %s, summary %v, %d users", doc.Company, doc.Enrollment.ID, doc.Summary != nil, len(doc.Users))
			}
		}},
		{"csv", func(t *testing.T, data []byte) {
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != answers {
				t.Errorf("%d rows, want one per answer and one per user without answers: %d", len(rows)-1, answers)
			}
			for _, col := range []string{"targetUserResourceId", "email", "firstName", "lastName", "status", "questionId", "question", "answer", "department", "answerCode", "latencySeconds", "lastInteractionDate", "error"} {
				if !strings.Contains(strings.Join(rows[0], ","), col) {
					t.Errorf("header %q lacks %s", rows[0], col)
				}
			}
		}},
		{"csv-wide", func(t *testing.T, data []byte) {
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != users {
				t.Errorf("%d rows, want one per user (%d)", len(rows)-1, users)
			}
			if !strings.Contains(strings.Join(rows[0], "|"), "I know how to recognise a phishing email.") {
				t.Errorf("header %q lacks question text", rows[0])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "results."+tt.format)
			code, out, errOut := clitest.Run(clitest.SurveyArgs("--format", tt.format, "-o", target)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q with -o, want nothing", out)
			}
			if names := clitest.DirEntries(t, dir); len(names) != 1 {
				t.Errorf("directory holds %v, want only the output (no temporary or spool files)", names)
			}
			data, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, data)
		})
	}
}

// TestSurveyResultsBadInput: every bad input exits 2 with a one-line reason
// naming it, and writes nothing.
func TestSurveyResultsBadInput(t *testing.T) {
	readOnly := filepath.Join(t.TempDir(), "read-only")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string // in the reason
		// offline: the input is refused before any API call.
		offline bool
	}{
		{name: "unknown company", args: []string{"--company", "Umbrella Corp"}, want: []string{`"Umbrella Corp"`}},
		{name: "ambiguous company", args: []string{"--company", "Acme"}, want: []string{`"Acme"`, "ambiguous", keepnettest.CompanyAcmeID}},
		{name: "unmanaged company", args: []string{"--company", keepnettest.CompanyUnmanagedID}, want: []string{keepnettest.CompanyUnmanagedID}},
		{name: "unknown enrollment", args: []string{"--enrollment", "Winter Quiz"}, want: []string{`"Winter Quiz"`}},
		{name: "ambiguous enrollment", args: []string{"--enrollment", "Culture"}, want: []string{`"Culture"`, "ambiguous", keepnettest.EnrollmentAcmePilotID}},
		{name: "not a survey", args: []string{"--enrollment", keepnettest.TrainingEnrollmentName}, want: []string{keepnettest.TrainingEnrollmentName, "not a survey"}},
		{name: "unknown format", args: []string{"--format", "xls"}, want: []string{"format", `"xls"`}, offline: true},
		{name: "a format as the output file", args: []string{"-o", "json"}, want: []string{`"json"`, "--format json"}, offline: true},
		{name: "concurrency 0", args: []string{"--concurrency", "0"}, want: []string{"concurrency"}, offline: true},
		{name: "concurrency above the bound", args: []string{"--concurrency", "257"}, want: []string{"concurrency", "257", "from 1 to 256"}, offline: true},
		{name: "concurrency ten million", args: []string{"--concurrency", "10000000"}, want: []string{"concurrency", "from 1 to 256"}, offline: true},
		{name: "negative rate", args: []string{"--rate", "-1"}, want: []string{"rate", "from 0.2 to 1000"}, offline: true},
		{name: "rate too slow to ever send", args: []string{"--rate", "1e-300"}, want: []string{"rate", "1e-300", "from 0.2 to 1000"}, offline: true},
		{name: "rate above the bound", args: []string{"--rate", "1e9"}, want: []string{"rate", "from 0.2 to 1000"}, offline: true},
		{name: "rate NaN", args: []string{"--rate", "NaN"}, want: []string{"rate"}, offline: true},
		{name: "rate infinite", args: []string{"--rate", "+Inf"}, want: []string{"rate"}, offline: true},
		{name: "output in a missing directory", args: []string{"-o", "/nonexistent-dir/results.csv"}, want: []string{"/nonexistent-dir/results.csv"}, offline: true},
		{name: "output is a directory", args: []string{"-o", os.TempDir()}, want: []string{os.TempDir()}, offline: true},
		{name: "missing client ID", env: map[string]string{keepnet.EnvClientID: ""}, want: []string{keepnet.EnvClientID}, offline: true},
		{name: "missing client secret", env: map[string]string{keepnet.EnvClientSecret: ""}, want: []string{keepnet.EnvClientSecret}, offline: true},
		{name: "missing --enrollment", args: []string{"--enrollment", ""}, want: []string{"enrollment"}, offline: true},
	}
	if os.Geteuid() != 0 { // root can write anywhere
		tests = append(tests, struct {
			name    string
			args    []string
			env     map[string]string
			want    []string
			offline bool
		}{name: "output in a read-only directory", args: []string{"-o", filepath.Join(readOnly, "out.csv")}, want: []string{filepath.Join(readOnly, "out.csv")}, offline: true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clitest.Fake(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			target := filepath.Join(dir, "results.out")
			args := clitest.SurveyArgs("-o", target)
			args = append(args, tt.args...) // later flags win
			code, out, errOut := clitest.Run(args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, errOut)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "keepnet-flow: ") {
				t.Errorf("stderr = %q, want one line", errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("reason %q does not name %q", errOut, w)
				}
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing written", out)
			}
			if names := clitest.DirEntries(t, dir); len(names) != 0 {
				t.Errorf("files left behind: %v", names)
			}
			if tt.offline && len(srv.Requests()) != 0 {
				t.Errorf("%d API requests made for input that needs none", len(srv.Requests()))
			}
		})
	}
}

// TestSurveyResultsIdenticalUnderFaults compares output bytes of a
// fault-free run with runs under faults, expiring tokens and the server's
// rate limit, for a format that streams and the one that spools. (The
// workflow's own tests do the same on records with more users.)
func TestSurveyResultsIdenticalUnderFaults(t *testing.T) {
	const users = 30
	const shortTokens = "1-second tokens"
	troubles := map[string][]keepnettest.Option{
		"10% faults": {keepnettest.WithFaults(keepnettest.Faults{
			TooManyRequestsBare: 0.03, InternalError: 0.01, BadGateway: 0.02, Unavailable: 0.02, Drop: 0.02,
			ExceptRoutes: []string{keepnettest.RouteToken},
		})},
		// ~65 requests of 80 ms, 4 at a time, outlive a 1-second token.
		shortTokens: {keepnettest.WithTokenTTL(time.Second), keepnettest.WithLatency(80 * time.Millisecond)},
		// ~65 requests overrun the burst of 40 on any machine; every 429
		// costs a second (Retry-After: 1), so the burst is large.
		"server rate limit": {keepnettest.WithRateLimit(20, 40)},
	}
	for _, format := range []string{"csv", "csv-wide"} {
		t.Run(format, func(t *testing.T) {
			clitest.Fake(t, keepnettest.WithUsers(users))
			code, want, errOut := runFastRetry(clitest.SurveyArgs("--format", format)...)
			if code != 0 {
				t.Fatalf("fault-free run: exit %d, stderr %q", code, errOut)
			}
			for name, opts := range troubles {
				if format == "csv" && name != "10% faults" {
					continue // the troubles all hit the pull, not the writer: one format is enough
				}
				// In a bubble: latency, token lifetimes and Retry-After
				// take its time, not the machine's.
				t.Run(name, func(t *testing.T) {
					clitest.Synctest(t, func(t *testing.T) {
						srv := clitest.FakeInMemory(t, append(opts, keepnettest.WithUsers(users))...)
						code, got, errOut := runFastRetryVia(srv, clitest.SurveyArgs("--format", format, "--concurrency", "4")...)
						if code != 0 {
							t.Fatalf("exit %d, stderr %q", code, errOut)
						}
						if name == shortTokens && srv.TokensIssued() < 2 {
							t.Errorf("%d token(s) issued: the run never outlived one, so this proves nothing", srv.TokensIssued())
						}
						if got != want {
							t.Errorf("output differs from the fault-free run (%d vs %d bytes)", len(got), len(want))
						}
					})
				})
			}
		})
	}
}

// TestSurveyResultsIncompleteExits3 makes some users' answers unfetchable:
// every user is still written, the failed ones with their error, and the
// run exits 3.
func TestSurveyResultsIncompleteExits3(t *testing.T) {
	const users = 30
	srv := clitest.Fake(t, keepnettest.WithUsers(users), keepnettest.WithFaults(keepnettest.Faults{
		Unavailable: 0.25, Routes: []string{keepnettest.RouteReportExamSessions},
	}))
	dir := t.TempDir()
	target := filepath.Join(dir, "results.ndjson")
	code, _, errOut := clitest.RunWith([]keepnet.Option{keepnet.WithRetry(keepnet.RetryPolicy{MaxAttempts: 1})}, clitest.SurveyArgs("-o", target)...)
	if code != 3 {
		t.Fatalf("exit %d (%s), want 3", code, errOut)
	}
	data, rerr := os.ReadFile(target)
	if rerr != nil {
		t.Fatalf("no output after an incomplete run: %v", rerr)
	}
	failed, total := 0, 0
	for line := range strings.Lines(string(data)) {
		var u workflows.UserResult
		if err := json.Unmarshal([]byte(line), &u); err != nil {
			t.Fatal(err)
		}
		total++
		if u.Error != "" {
			failed++
			if !strings.Contains(u.Error, "503") {
				t.Errorf("user %s: error %q does not say what failed", u.TargetUserResourceID, u.Error)
			}
		} else if got, want := len(u.Answers), len(srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.TargetUserResourceID)); got != want {
			t.Errorf("complete user %s has %d answers, want %d", u.TargetUserResourceID, got, want)
		}
	}
	if total != users || failed == 0 || failed == users {
		t.Errorf("%d records, %d failed; want all %d written, some but not all failed", total, failed, users)
	}
	if !strings.Contains(errOut, fmt.Sprintf("%d of %d users", failed, users)) {
		t.Errorf("error %q does not count the failures (%d)", errOut, failed)
	}
}

// TestSurveyResultsFailedRunLeavesNoFile: a pull that breaks off leaves the
// target as it was, and no temporary file.
func TestSurveyResultsFailedRunLeavesNoFile(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(10), keepnettest.WithFaults(keepnettest.Faults{
		InternalError: 1, Routes: []string{keepnettest.RouteReportUsersSearch},
	}))
	for _, format := range []string{"ndjson", "csv-wide"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "results.out")
			if err := os.WriteFile(target, []byte("previous run\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runFastRetry(clitest.SurveyArgs("--format", format, "-o", target)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr %q", code, errOut)
			}
			if data, _ := os.ReadFile(target); string(data) != "previous run\n" {
				t.Errorf("target = %q, want it untouched", data)
			}
			if names := clitest.DirEntries(t, dir); len(names) != 1 {
				t.Errorf("directory holds %v, want only the untouched target", names)
			}
		})
	}
}

// TestSurveyResultsOutputTargets checks -o through the command for the
// targets that are not a plain file; internal/output has the full table.
func TestSurveyResultsOutputTargets(t *testing.T) {
	clitest.Fake(t, keepnettest.WithUsers(5))
	dir := t.TempDir()
	real := filepath.Join(dir, "real.ndjson")
	if err := os.WriteFile(real, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.ndjson")
	if err := os.Symlink("real.ndjson", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		target     string
		wantStdout bool
	}{
		{"-", true},
		{"/dev/stdout", true},
		{"/dev/null", false},
		{link, false},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			code, out, errOut := clitest.Run(clitest.SurveyArgs("-o", tt.target)...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if lines := strings.Count(out, "\n"); tt.wantStdout != (lines == 5) || !tt.wantStdout && out != "" {
				t.Errorf("stdout has %d lines, want records there: %v", lines, tt.wantStdout)
			}
		})
	}
	if dest, err := os.Readlink(link); err != nil || dest != "real.ndjson" {
		t.Errorf("the symlink was replaced: %q, %v", dest, err)
	}
	if b, _ := os.ReadFile(real); strings.Count(string(b), "\n") != 5 {
		t.Errorf("the link's target holds %q, want the 5 records", b)
	}
	if names := clitest.DirEntries(t, dir); len(names) != 2 {
		t.Errorf("directory holds %v, want the file and the link", names)
	}
}

// TestSurveyResultsCSVWideQuestionOrder: the question columns are the
// survey's questions in the order of the fullest session, whoever answered
// first, and --question-ids adds their IDs.
func TestSurveyResultsCSVWideQuestionOrder(t *testing.T) {
	srv := clitest.Fake(t)
	var fullest []keepnettest.Answer
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if a := srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID); len(a) > len(fullest) {
			fullest = a
		}
	}
	var want, wantWithIDs []string
	for _, a := range fullest {
		want = append(want, a.Question)
		wantWithIDs = append(wantWithIDs, a.Question+" ["+a.ScormID+"]")
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, want},
		{[]string{"--question-ids"}, wantWithIDs},
	} {
		code, out, errOut := clitest.Run(clitest.SurveyArgs(append([]string{"--format", "csv-wide"}, tc.args...)...)...)
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[0][len(rows[0])-len(tc.want):]; !slices.Equal(got, tc.want) {
			t.Errorf("%q: question columns %q, want %q", tc.args, got, tc.want)
		}
	}
	code, _, errOut := clitest.Run(clitest.SurveyArgs("--format", "csv", "--question-ids")...)
	if code != 2 || !strings.Contains(errOut, "csv-wide") {
		t.Errorf("--question-ids with csv: exit %d, stderr %q; want 2 naming csv-wide", code, errOut)
	}
}
