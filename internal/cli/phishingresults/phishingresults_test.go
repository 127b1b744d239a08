package phishingresults_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/internal/resultsout"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// invoiceArgs pull both runs of Acme's seeded phishing campaign: 30 and 24
// users.
var invoiceArgs = []string{"phishing-results", "--company", keepnettest.CompanyAcmeName, "--campaign", keepnettest.PhishingAcmeInvoiceName}

// windowArgs pull every phishing job of every company started around the
// seeded world's: Acme's two runs (54 users) and Globex's one (20); Acme's
// test campaign is left out, and Acme Europe has none.
var windowArgs = []string{"phishing-results", "--all-companies", "--since", "2025-11-01", "--until", "2026-06-30"}

func with(args []string, extra ...string) []string { return append(slices.Clone(args), extra...) }

type jsonDoc struct {
	Companies []struct {
		Company struct{ ID, Name string } `json:"company"`
		Sources []struct {
			ID      string            `json:"id"`
			Summary json.RawMessage   `json:"summary"`
			Records []json.RawMessage `json:"records"`
		} `json:"sources"`
		Notices []string `json:"notices"`
		Error   string   `json:"error"`
		Skipped string   `json:"skipped"`
	} `json:"companies"`
}

func TestPhishingResultsFormats(t *testing.T) {
	clitest.Fake(t)
	for _, format := range resultsout.Phishing.Formats() {
		t.Run(format, func(t *testing.T) {
			args := with(invoiceArgs, "-f", format)
			if format == resultsout.CSVWide {
				args = append(args, "--events")
			}
			code, out, errOut := clitest.Run(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(errOut, "54 users of 2 jobs ("+keepnettest.CompanyAcmeName+") written to stdout") {
				t.Errorf("no closing line:\n%s", errOut)
			}
			if !clitest.HasLineWith(errOut, "c8AcmeInv001/1", "scanner", "activityType") {
				t.Errorf("stderr does not say the service counts scanners' activity:\n%s", errOut)
			}
			switch format {
			case resultsout.NDJSON:
				recs := clitest.NDJSON(t, out)
				if len(recs) != 54 {
					t.Fatalf("%d records, want 54", len(recs))
				}
				runs := map[float64]int{}
				for _, r := range recs {
					runs[r["instanceGroup"].(float64)]++
					if r["companyId"] != keepnettest.CompanyAcmeID || r["campaignId"] != keepnettest.PhishingAcmeInvoiceID || r["jobStartDateIso"] == nil {
						t.Fatalf("a record does not name its company and job: %v", r)
					}
				}
				if runs[1] != keepnettest.DefaultJobUsers || runs[2] != 24 {
					t.Errorf("users per run: %v", runs)
				}
			case resultsout.JSON:
				var doc jsonDoc
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatal(err)
				}
				c := doc.Companies[0]
				if len(doc.Companies) != 1 || len(c.Sources) != 2 || c.Sources[0].ID != keepnettest.PhishingAcmeInvoiceID+"/1" || len(c.Sources[1].Records) != 24 {
					t.Fatalf("groups: %+v", doc)
				}
				if !strings.Contains(string(c.Sources[0].Summary), "totalTargetUserCount") || len(c.Notices) != 2 {
					t.Errorf("summary %s, notices %q", c.Sources[0].Summary, c.Notices)
				}
			case resultsout.CSV:
				rows := clitest.CSV(t, out)
				if len(rows) != 55 || !slices.Equal(rows[0], resultsout.Phishing.Columns) {
					t.Fatalf("%d rows, header %q", len(rows), rows[0])
				}
			case resultsout.CSVWide:
				rows := clitest.CSV(t, out)
				fixed := len(resultsout.Phishing.Columns)
				if len(rows) != 55 || len(rows[0]) <= fixed || !slices.Contains(rows[0], "clicked1") || !slices.Contains(rows[0], "clicked1Iso") {
					t.Fatalf("%d rows, header %q", len(rows), rows[0][min(fixed, len(rows[0])):])
				}
				clicked, clicks := clitest.Column(t, rows[0], "clicked1"), clitest.Column(t, rows[0], "clickedCount")
				for _, r := range rows[1:] {
					if (r[clicks] != "0" && r[clicks] != "") != (r[clicked] != "") {
						t.Errorf("%s clicks but first click at %q", r[clicks], r[clicked])
					}
				}
			}
		})
	}
}

func TestPhishingResultsSelection(t *testing.T) {
	srv := clitest.Fake(t)
	code, out, errOut := clitest.Run(with(windowArgs, "-f", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc jsonDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range doc.Companies {
		n := 0
		for _, s := range c.Sources {
			n += len(s.Records)
		}
		got = append(got, c.Company.ID+":"+strings.Repeat("x", min(n, 1))+c.Skipped[:min(len(c.Skipped), 2)])
	}
	if want := []string{keepnettest.CompanyAcmeID + ":x", keepnettest.CompanyGlobexID + ":x", keepnettest.CompanyAcmeEuropeID + ":no"}; !slices.Equal(got, want) {
		t.Errorf("companies %q, want %q", got, want)
	}
	if !slices.ContainsFunc(doc.Companies[0].Notices, func(n string) bool {
		return strings.Contains(n, keepnettest.PhishingAcmeTestName) && strings.Contains(n, "--include-tests pulls them")
	}) {
		t.Errorf("json does not say the test campaign was left out: %q", doc.Companies[0].Notices)
	}
	if !clitest.HasLineWith(errOut, keepnettest.PhishingAcmeTestName, "--include-tests pulls them") || !strings.Contains(errOut, "74 users of 2 companies") {
		t.Errorf("stderr:\n%s", errOut)
	}

	// --include-tests takes the test campaign's run too.
	code, out, _ = clitest.Run(with(windowArgs, "--include-tests")...)
	tests := 0
	for _, r := range clitest.NDJSON(t, out) {
		if r["test"] == true {
			tests++
		}
	}
	if code != 0 || tests != 6 {
		t.Errorf("--include-tests: exit %d, %d test users, want 6", code, tests)
	}

	// Smishing has its own campaigns and no opens.
	code, out, errOut = clitest.Run(with(windowArgs, "--channel", "SMISHING", "-f", "csv")...)
	rows := clitest.CSV(t, out)
	if code != 0 || len(rows) != 16 || rows[1][clitest.Column(t, rows[0], "channel")] != "smishing" || rows[1][clitest.Column(t, rows[0], "openedCount")] != "" {
		t.Errorf("smishing: exit %d, %d rows: %q\n%s", code, len(rows), rows[:min(2, len(rows))], errOut)
	}

	// --events: a request per user per kind of event counted.
	srv.ResetRequests()
	if code, _, errOut := clitest.Run(with(invoiceArgs, "--events")...); code != 0 {
		t.Fatalf("--events: exit %d: %s", code, errOut)
	}
	if srv.RequestCount(keepnettest.RoutePhishingEventsClicked) == 0 {
		t.Error("--events fetched no clicks")
	}
}

func TestPhishingResultsBadInput(t *testing.T) {
	clitest.Fake(t)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"nothing selected", []string{"--company", keepnettest.CompanyAcmeName}, []string{"campaign", "--since"}},
		{"campaign and window", with(invoiceArgs[1:], "--until", "2026-01-01"), []string{"campaign", "until"}},
		{"unreadable until", []string{"--all-companies", "--until", "yesterday"}, []string{"until", `"yesterday"`}},
		{"unknown channel", with(invoiceArgs[1:], "--channel", "email"), []string{"channel", `"email"`, "quishing"}},
		{"csv-wide without events", with(invoiceArgs[1:], "-f", "csv-wide"), []string{"csv-wide", "--events"}},
		{"a test campaign", []string{"--company", keepnettest.CompanyAcmeName, "--campaign", keepnettest.PhishingAcmeTestName}, []string{keepnettest.PhishingAcmeTestName, "test", "(--include-tests)"}},
		{"another channel's campaign", []string{"--company", keepnettest.CompanyAcmeName, "--campaign", keepnettest.SmishingAcmeParcelName}, []string{keepnettest.SmishingAcmeParcelName, "smishing"}},
		{"misspelt campaign", []string{"--company", keepnettest.CompanyAcmeName, "--campaign", "Invoce Overdue Lure"}, []string{"Invoce Overdue Lure", "did you mean"}},
		{"campaign in no company", []string{"--all-companies", "--campaign", "CEO Fraud 2031"}, []string{"CEO Fraud 2031"}},
		{"empty campaign", []string{"--company", keepnettest.CompanyAcmeName, "--campaign", ""}, []string{"campaign", "empty"}},
		{"concurrency out of range", with(invoiceArgs[1:], "--concurrency", "0"), []string{"concurrency", "from 1 to 256"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			code, out, errOut := clitest.Run(append([]string{"phishing-results", "-o", filepath.Join(dir, "out.ndjson")}, tc.args...)...)
			clitest.RefusedUpFront(t, dir, code, out, errOut, tc.want...)
		})
	}
}

// A company whose users cannot be listed fails alone (exit 3, named in
// the summary); a --resume rerun fetches the events of only the users the
// journal lacks, and writes what a clean run does.
func TestPhishingResultsFailingCompanyAndResume(t *testing.T) {
	srv := clitest.Fake(t)
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.ndjson")
	if code, _, errOut := clitest.Run(with(windowArgs, "--events", "-o", clean)...); code != 0 {
		t.Fatalf("clean run: exit %d: %s", code, errOut)
	}
	target := filepath.Join(dir, "resumed.ndjson")
	args := with(windowArgs, "--events", "-o", target, "--resume")
	broken := []keepnet.Option{keepnet.WithTransport(clitest.BreakCompany{CompanyID: keepnettest.CompanyGlobexID, Suffix: "/search/" + keepnettest.PhishingGlobexGiftID + "/1"}), clitest.FastRetry()}
	code, _, errOut := clitest.RunWith(broken, args...)
	if code != 3 || !clitest.HasLineWith(errOut, keepnettest.CompanyGlobexID, "503") || !strings.Contains(errOut, "1 company failed") {
		t.Fatalf("broken run: exit %d, want 3 naming the company; stderr %s", code, errOut)
	}
	srv.ResetRequests()
	if code, _, errOut := clitest.Run(args...); code != 0 {
		t.Fatalf("rerun: exit %d: %s", code, errOut)
	}
	if got, want := clitest.MustRead(t, target), clitest.MustRead(t, clean); got != want {
		t.Errorf("the resumed output differs from a clean run's (%d vs %d bytes)", len(got), len(want))
	}
	// Only Globex's users were fetched again: its job's event searches
	// are the only ones sent.
	clicks := srv.RequestCount(keepnettest.RoutePhishingEventsClicked)
	if clicks == 0 || clicks > 20 {
		t.Errorf("the rerun searched %d users' clicks, want some of Globex's 20 only", clicks)
	}
	if names := clitest.DirEntries(t, dir); !slices.Equal(names, []string{"clean.ndjson", "resumed.ndjson"}) {
		t.Errorf("left beside the output: %v", names)
	}
}

// Against pages cut from an order that moves, every user comes once, as
// from a stable service, or the run says it could not.
func TestPhishingResultsUnderAnUnstableOrder(t *testing.T) {
	clitest.WholeUnderUnstableOrder(t, []keepnettest.Option{keepnettest.WithPageSizeCap(4)}, windowArgs, func(r map[string]any) string {
		return r["campaignId"].(string) + "/" + r["resourceId"].(string)
	})
}

// hostileName is a customer's company name that, printed raw, writes to
// the clipboard (OSC 52), clears the screen with a C1 CSI and rings the
// bell; the campaign's name is a formula.
const (
	hostileName     = "Evil\x1b]52;c;cm0gLXJmIH4=\x07 Co \u009b2J\x08"
	hostileCampaign = "=HYPERLINK(\"http://x.example\",\"Pay\")"
)

func TestPhishingResultsHostileNames(t *testing.T) {
	srv := clitest.Fake(t)
	co := srv.AddCompany(hostileName, true)
	c := srv.AddCampaign(co.ID, keepnettest.ChannelPhishing, hostileCampaign, false)
	if _, ok := srv.AddJob(c.ID, 3, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)); !ok {
		t.Fatal("no job added")
	}
	args := []string{"phishing-results", "--company", co.ID, "--campaign", c.ID}
	for _, format := range resultsout.Phishing.Formats() {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(true)
		fargs := with(args, "-f", format, "--events")
		code := clitest.RunStreams(context.Background(), ios, fargs)
		if format == resultsout.XLSX {
			// A binary file is refused on a terminal, before anything is
			// written to it.
			if code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "-o FILE.xlsx") {
				t.Errorf("xlsx to a terminal: exit %d, %d bytes written, stderr %s", code, out.Len(), errOut)
			}
			continue
		}
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		for _, raw := range clitest.TerminalControls {
			if strings.Contains(out.String()+errOut.String(), raw) {
				t.Errorf("%s: the terminal received %q", format, raw)
			}
		}
		if !strings.Contains(out.String(), `Co \x9b2J`) {
			t.Errorf("%s: the company's name is not shown escaped:\n%s", format, out.String())
		}
	}
	for _, format := range []string{"csv", "csv-wide"} {
		_, out, _ := clitest.Run(with(args, "-f", format, "--events")...)
		rows := clitest.CSV(t, out)
		name := clitest.Column(t, rows[0], "campaignName")
		for _, r := range rows[1:] {
			if r[name] != "'"+hostileCampaign {
				t.Errorf("%s: campaign cell %q, want it neutralised", format, r[name])
			}
		}
	}
}
