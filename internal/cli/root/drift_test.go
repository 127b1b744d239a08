package root_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// TestCommandsAreUnmovedByTypeDrift runs every discovery command, the survey
// pull and an enroll against a fake whose JSON types drift, and requires
// byte for byte what a drift-free fake gives.
func TestCommandsAreUnmovedByTypeDrift(t *testing.T) {
	runs := [][]string{
		{"companies", "-f", "json"},
		{"trainings", "--company", keepnettest.CompanyAcmeName, "-f", "json"},
		{"groups", "--company", keepnettest.CompanyAcmeName, "-f", "csv"},
		{"enrollments", "--company", keepnettest.CompanyAcmeName, "-f", "json"},
		{"survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName, "-f", "ndjson"},
		{"survey-results", "--company", keepnettest.CompanyAcmeName, "--enrollment", keepnettest.SurveyName, "-f", "csv-wide"},
		{"enroll", "--company", keepnettest.CompanyAcmeName, "--training", keepnettest.TrainingPhishingName, "--group", keepnettest.GroupFinanceName, "--name", "Drift rollout", "-f", "json"},
	}
	outputs := func(t *testing.T, opts ...keepnettest.Option) []string {
		clitest.Fake(t, append([]keepnettest.Option{keepnettest.WithUsers(30)}, opts...)...)
		var out []string
		for _, args := range runs {
			code, stdout, stderr := clitest.Run(append([]string{"--quiet"}, args...)...)
			if code != 0 {
				t.Fatalf("%s: exit %d, stderr %q", args, code, stderr)
			}
			out = append(out, stdout)
		}
		return out
	}
	plain := outputs(t)
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			drifted := outputs(t, keepnettest.WithTypeDrift(seed))
			for i, args := range runs {
				if drifted[i] != plain[i] {
					t.Errorf("%s under drift:\n%s\nwithout:\n%s", args, drifted[i], plain[i])
				}
			}
		})
	}
}

// TestListingWithAnUnreadableRowExits3: a row whose name came as an object
// is listed as far as it could be read, named on stderr, and the run exits 3.
func TestListingWithAnUnreadableRowExits3(t *testing.T) {
	srv := clitest.Fake(t)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.URL.Path != "/api/companies/search" {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		var page map[string]any
		if json.Unmarshal(body, &page) == nil {
			if rows, ok := page["data"].(map[string]any)["results"].([]any); ok && len(rows) > 0 {
				rows[0].(map[string]any)["companyName"] = map[string]any{"text": "\x1b]0;title\x07"}
			}
			body, _ = json.Marshal(page)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	t.Setenv(keepnet.EnvBaseURL, front.URL)

	code, stdout, stderr := clitest.Run("companies", "-f", "json")
	if code != cmdutil.ExitIncomplete {
		t.Fatalf("exit %d, want 3; stderr %q", code, stderr)
	}
	var rows []struct{ ID, Name, Error string }
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || len(rows) < 2 {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if rows[0].Name != "" || !strings.Contains(rows[0].Error, "companyName: want string, got object") {
		t.Errorf("first row = %+v; want no name and an error naming companyName", rows[0])
	}
	for _, r := range rows[1:] {
		if r.Name == "" || r.Error != "" {
			t.Errorf("row %+v: only the first row was unreadable", r)
		}
	}
	if !strings.Contains(stderr, rows[0].ID+": ") || strings.ContainsAny(stderr, "\x1b\x07") {
		t.Errorf("stderr %q: want the row named, with no control characters", stderr)
	}
}

// TestServerNamesReachTheTerminalSafely: names from the service with escape
// sequences and bidirectional overrides in them are shown as visible
// escapes in the progress line, the enroll plan and result, and tables.
func TestServerNamesReachTheTerminalSafely(t *testing.T) {
	srv := clitest.Fake(t)
	hostile := "Evil\x1b]0;owned\x07 Co\u202e"
	co := srv.AddCompany(hostile, true)
	srv.AddGroup(co.ID, "Ops\x1b[2J", 3)
	srv.AddSurvey(co.ID, "Pulse", 4)
	runs := [][]string{
		{"companies"},
		{"groups", "--company", co.ID},
		// A --name with control characters is refused (TestEnrollCommandBadInput);
		// the plan still shows the company's and group's names.
		{"enroll", "--company", co.ID, "--training", keepnettest.TrainingPhishingName, "--group", "Ops", "--name", "Safe", "--dry-run"},
		{"enroll", "--company", co.ID, "--training", keepnettest.TrainingPhishingName, "--group", "Ops", "--name", "Safe"},
		{"survey-results", "--company", co.ID, "--enrollment", "Pulse", "-o", t.TempDir() + "/out.ndjson"},
	}
	for _, args := range runs {
		code, stdout, stderr := clitest.Run(args...)
		if code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		if strings.ContainsAny(stdout+stderr, "\x1b\x07\u202e") {
			t.Errorf("%q wrote control characters to the terminal:\nstdout %q\nstderr %q", args, stdout, stderr)
		}
	}
}

// TestISODatesFromTheCompanysSetting: a customer that writes dates month
// first (its settings say MM/dd/yyyy) gets ISO dates that are the real
// ones, not day-first readings of them.
func TestISODatesFromTheCompanysSetting(t *testing.T) {
	srv := clitest.Fake(t, keepnettest.WithCustomers(8))
	for _, k := range []int{3, 4} { // day first, month first
		format := keepnettest.CustomerDateFormat(k)
		code, out, errOut := clitest.Run("--quiet", "survey-results", "--company", keepnettest.CustomerName(k), "--enrollment", keepnettest.SurveyName)
		if code != 0 {
			t.Fatalf("customer %d: exit %d, %s", k, code, errOut)
		}
		want := map[string]string{}
		for u := range srv.Users(keepnettest.CustomerSurveyID(k)) {
			if !u.LastInteraction.IsZero() {
				want[u.ID] = u.LastInteraction.Format("2006-01-02T15:04:05")
			}
		}
		checked := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec struct {
				ID  string `json:"targetUserResourceId"`
				Raw string `json:"lastInteractionDate"`
				ISO string `json:"lastInteractionDateIso"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
			if w, ok := want[rec.ID]; ok {
				checked++
				if rec.ISO != w {
					t.Errorf("customer %d (%s): %q read as %q, want %q", k, format, rec.Raw, rec.ISO, w)
				}
			}
		}
		if checked == 0 {
			t.Errorf("customer %d: no dated records to check", k)
		}
	}
}
