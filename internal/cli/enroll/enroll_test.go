package enroll_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func TestEnrollCommandByNamesThenRerun(t *testing.T) {
	srv := clitest.Fake(t)
	code, out, errOut := clitest.Run(clitest.AcmeEnrollArgs...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	created := srv.CreatedEnrollments()
	if len(created) != 1 || created[0].SendCount != 1 {
		t.Fatalf("created %+v, want one enrollment sent once", created)
	}
	for _, want := range []string{"created", created[0].ID, "Q2 Phishing Refresher", "Acme Manufacturing (k3AcmeMfg001)", "Sending"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = clitest.Run(append(clitest.AcmeEnrollArgs, "--format", "json")...)
	if code != 0 {
		t.Fatalf("rerun: exit %d, stderr %q", code, errOut)
	}
	var res struct{ ID, Name, Status, Action string }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("rerun output is not JSON: %v\n%s", err, out)
	}
	if res.Action != "already sent" || res.ID != created[0].ID {
		t.Errorf("rerun = %+v, want %s already sent", res, created[0].ID)
	}
	if n := srv.RequestCount(keepnettest.RouteEnrollmentCreate); n != 1 {
		t.Errorf("%d creates posted over two runs, want 1", n)
	}
}

func TestEnrollCommandByIDs(t *testing.T) {
	srv := clitest.Fake(t)
	code, out, errOut := clitest.Run("enroll", "--company", keepnettest.CompanyGlobexID,
		"--training", keepnettest.TrainingPasswordID, "--group", keepnettest.GroupGlobexFinanceID,
		"--name", "Password Hygiene for Globex", "--schedule", "2026-06-01T08:00:00Z",
		"--timezone", "W. Europe Standard Time", "--due", "2026-06-30T17:00:00+02:00",
		"--certificate", "--certificate-send-type", "SendAfterCompletion", "--test", "--teams", "--no-send")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	created := srv.CreatedEnrollments()
	if len(created) != 1 || created[0].CompanyID != keepnettest.CompanyGlobexID || created[0].SendCount != 0 {
		t.Fatalf("created %+v, want one unsent enrollment in Globex", created)
	}
	if !strings.Contains(out, "created, not sent") || !strings.Contains(out, "Scheduled") {
		t.Errorf("output:\n%s", out)
	}
}

func TestEnrollCommandDryRun(t *testing.T) {
	srv := clitest.Fake(t)
	code, out, errOut := clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run", "--schedule", "2026-04-01T09:00:00Z", "--timezone", "GMT Standard Time")...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Fatalf("a dry run made %d write requests", n)
	}
	for _, want := range []string{
		"nothing was written",
		"Acme Manufacturing -> " + keepnettest.CompanyAcmeID,
		"Phishing Fundamentals -> " + keepnettest.TrainingPhishingID,
		"Finance -> " + keepnettest.GroupAcmeFinanceID,
		"All Staff -> " + keepnettest.GroupAcmeAllStaffID,
		`"scheduledTimeZoneId": "GMT Standard Time"`,
		`"trainingId": "` + keepnettest.TrainingPhishingID + `"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run", "--format", "json")...)
	var doc struct {
		DryRun bool
		Plan   struct {
			CreateBody map[string]any
			Intent     string
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || !doc.DryRun || doc.Plan.CreateBody["name"] != "Q2 Phishing Refresher" {
		t.Errorf("JSON dry run: exit %d\n%s", code, out)
	}
	if _, ok := doc.Plan.CreateBody["enrollmentScheduler"]; ok {
		t.Error("sending now must leave enrollmentScheduler out of the body")
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Fatalf("a dry run made %d write requests", n)
	}
}

func TestEnrollCommandCommitThenFail(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithCommitThenFail(keepnettest.RouteEnrollmentCreate, 1))
	for range 2 {
		if code, _, errOut := clitest.Run(clitest.AcmeEnrollArgs...); code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
	}
	created := srv.CreatedEnrollments()
	if len(created) != 1 || created[0].SendCount != 1 {
		t.Fatalf("created %+v, want exactly one, sent once", created)
	}
}

func TestEnrollCommandBadInput(t *testing.T) {
	with := func(extra ...string) []string { return append(append([]string{}, clitest.AcmeEnrollArgs...), extra...) }
	replace := func(flag, value string) []string {
		args := append([]string{}, clitest.AcmeEnrollArgs...)
		for i := range args {
			if args[i] == flag {
				args[i+1] = value
				return args
			}
		}
		panic(flag)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		names string // what the one-line reason must mention
	}{
		{"ambiguous company", replace("--company", "Acme"), nil, keepnettest.CompanyAcmeEuropeID},
		{"unknown company", replace("--company", "Vandelay Industries"), nil, "Vandelay Industries"},
		{"unmanaged company", replace("--company", keepnettest.CompanyUnmanagedID), nil, keepnettest.CompanyUnmanagedID},
		{"unknown training", replace("--training", "Quantum Safety"), nil, "Quantum Safety"},
		{"ambiguous training", replace("--training", "fundamentals"), nil, keepnettest.TrainingPhishingAdvID},
		{"unknown group", with("--group", "Marketing"), nil, "Marketing"},
		{"empty name", replace("--name", "  "), nil, "name"},
		{"name with a newline", replace("--name", "Q3\nrefresher"), nil, "control character"},
		{"name with an escape sequence", replace("--name", "Q3 \x1b[2J"), nil, `name "Q3 \x1b[2J"`},
		{"unparsable schedule", with("--schedule", "01/04/2026 09:00", "--timezone", "UTC"), nil, "01/04/2026 09:00"},
		{"unparsable due", with("--schedule", "2026-04-01T09:00:00Z", "--timezone", "UTC", "--due", "end of April"), nil, "end of April"},
		{"due before schedule", with("--schedule", "2026-04-01T09:00:00Z", "--timezone", "UTC", "--due", "2026-03-01T09:00:00Z"), nil, "2026-03-01T09:00:00Z"},
		{"unknown time zone", with("--schedule", "2026-04-01T09:00:00Z", "--timezone", "Europe/Istanbul"), nil, "Turkey Standard Time"},
		{"time zone without schedule", with("--timezone", "UTC"), nil, "--schedule"},
		{"due without schedule", with("--due", "2026-04-30T17:00:00Z"), nil, "2026-04-30T17:00:00Z"},
		{"schedule without time zone", with("--schedule", "2026-04-01T09:00:00Z"), nil, "timezone"},
		{"certificate send type", with("--certificate", "--certificate-send-type", "Pigeon"), nil, "Pigeon"},
		{"send type without certificate", with("--certificate-send-type", "SendAfterCompletion"), nil, "--certificate"},
		{"name taken for another training", replace("--name", keepnettest.TrainingEnrollmentName), nil, keepnettest.EnrollmentAcmeTrainingID},
		{"missing group flag", []string{"enroll", "--company", "Acme Manufacturing", "--training", "Password Hygiene", "--name", "x"}, nil, "group"},
		{"bad output", with("--format", "yaml"), nil, "yaml"},
		{"settle window not positive", with("--settle-window", "0s"), nil, "settle-window"},
		{"missing secret", clitest.AcmeEnrollArgs, map[string]string{keepnet.EnvClientSecret: ""}, keepnet.EnvClientSecret},
		{"missing client ID", clitest.AcmeEnrollArgs, map[string]string{keepnet.EnvClientID: ""}, keepnet.EnvClientID},
		{"plain http to a remote host", clitest.AcmeEnrollArgs, map[string]string{keepnet.EnvBaseURL: "http://api.keepnet.example"}, "api.keepnet.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clitest.Fake(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errOut := clitest.Run(tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errOut)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "keepnet-flow: ") {
				t.Errorf("stderr is not one line: %q", errOut)
			}
			if !strings.Contains(errOut, tc.names) {
				t.Errorf("stderr %q does not name %q", errOut, tc.names)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if n := clitest.Writes(srv); n != 0 {
				t.Errorf("%d write requests reached the fake", n)
			}
		})
	}
}

func TestEnrollCommandRejectedCredentials(t *testing.T) {
	srv := clitest.Fake(t)
	t.Setenv(keepnet.EnvClientSecret, "not-the-secret")
	code, _, errOut := clitest.Run(clitest.AcmeEnrollArgs...)
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", code, errOut)
	}
	if !strings.Contains(errOut, keepnet.EnvClientSecret) || strings.Contains(errOut, "not-the-secret") {
		t.Errorf("stderr %q: want guidance naming %s, and never the secret", errOut, keepnet.EnvClientSecret)
	}
	if n := clitest.Writes(srv); n != 0 {
		t.Errorf("%d write requests reached the fake", n)
	}
}

// TestEnrollDryRunOfAnExistingEnrollment: a dry run that would create
// nothing shows no create body, in text or JSON.
func TestEnrollDryRunOfAnExistingEnrollment(t *testing.T) {
	clitest.Fake(t)
	if code, _, errOut := clitest.Run(clitest.AcmeEnrollArgs...); code != 0 {
		t.Fatalf("first run: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut := clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run")...)
	if code != 0 || !strings.Contains(out, "Would:") || strings.Contains(out, "Create body") || strings.Contains(out, "trainingId") {
		t.Errorf("text: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	code, out, _ = clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run", "-f", "json")...)
	var doc struct {
		Plan struct {
			CreateBody json.RawMessage `json:"createBody"`
			Intent     string          `json:"intent"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || doc.Plan.Intent == "" || string(doc.Plan.CreateBody) != "null" {
		t.Errorf("JSON: exit %d (%v), createBody %s:\n%s", code, err, doc.Plan.CreateBody, out)
	}
	// With duplicates allowed it would create, so the body is shown.
	if code, out, _ = clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run", "--allow-duplicate")...); code != 0 || !strings.Contains(out, "Create body") {
		t.Errorf("--allow-duplicate: exit %d:\n%s", code, out)
	}
}

func TestEnrollWarnsOfAPastSchedule(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		schedule string
		warns    bool
	}{
		{"2020-01-06T09:00:00Z", true},
		{"2999-01-06T09:00:00Z", false},
	} {
		code, _, errOut := clitest.Run(append(clitest.AcmeEnrollArgs, "--dry-run", "--schedule", tc.schedule, "--timezone", "GMT Standard Time")...)
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr %q", tc.schedule, code, errOut)
		}
		if warned := strings.Contains(errOut, "warning: --schedule "+tc.schedule+" is in the past"); warned != tc.warns {
			t.Errorf("%s: stderr %q; want a warning: %v", tc.schedule, errOut, tc.warns)
		}
	}
}

func TestEnrollCommandHollowListingExits1(t *testing.T) {
	for _, tc := range []struct{ name, body, ctype string }{
		{"data null", `{"data":null,"status":"SUCCESS"}`, "application/json"},
		{"results null", `{"data":{"pageNumber":1,"pageSize":100,"results":null}}`, "application/json"},
		{"HTML page", `<html><head><title>Maintenance</title></head></html>`, "text/html"},
		{"cut short", `{"data":{"pageNumber":1,"results":[{"enrollmentId":"e7`, "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := clitest.Fake(t)
			target, err := url.Parse(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			proxy := httputil.NewSingleHostReverseProxy(target)
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/enrollments/search" {
					proxy.ServeHTTP(w, r)
					return
				}
				w.Header().Set("Content-Type", tc.ctype)
				_, _ = io.WriteString(w, tc.body)
			}))
			t.Cleanup(front.Close)
			t.Setenv(keepnet.EnvBaseURL, front.URL)
			code, out, errOut := clitest.RunWith([]keepnet.Option{clitest.FastRetry()}, clitest.AcmeEnrollArgs...) // the backoff proves nothing here
			if code != 1 || !strings.Contains(errOut, "enrollments/search") {
				t.Errorf("exit %d, stderr %q; want 1, naming the listing", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if n := clitest.Writes(srv); n != 0 {
				t.Errorf("%d write requests reached the fake on a listing that could not be read", n)
			}
		})
	}
}
