package report_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// winter is a period of the fake's world, whose clock is 12 January 2026.
var winter = []string{"--since", "2025-12-01", "--until", "2026-02-01"}

func args(extra ...string) []string {
	return append(append([]string{"report"}, winter...), extra...)
}

func run(t *testing.T, opts []keepnet.Option, a ...string) (int, string, string) {
	t.Helper()
	return clitest.RunWith(append([]keepnet.Option{clitest.FastRetry()}, opts...), a...)
}

// The pack from the service: an overview linking a page per customer, and
// the path said on stderr.
func TestReportWritesThePack(t *testing.T) {
	clitest.Fake(t, keepnettest.WithCustomers(5))
	dir := filepath.Join(t.TempDir(), "pack")
	code, out, errOut := run(t, nil, args("--all-companies", "-o", dir, "--brand-name", "Northwind Security", "--accent", "#0B6E4F", "--sort", "Clicked")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != "" {
		t.Errorf("stdout %q: the pack goes to files", out)
	}
	names := clitest.DirEntries(t, dir)
	if !slices.Contains(names, "index.html") || !slices.Contains(names, "acme-manufacturing.html") || len(names) != 9 {
		t.Errorf("files %v, want the overview and 8 customers", names)
	}
	index := clitest.MustRead(t, filepath.Join(dir, "index.html"))
	for _, name := range names {
		if name != "index.html" && !strings.Contains(index, `href="`+name+`"`) {
			t.Errorf("the overview does not link %s", name)
		}
	}
	if !strings.Contains(index, "Northwind Security") || !strings.Contains(index, "#0b6e4f") || !strings.Contains(index, "ordered by clicked rate") {
		t.Error("the overview lacks the brand, the accent or the order")
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the pack's directory: %v, %v; want it its owner's alone", fi.Mode(), err)
	}
	if !clitest.HasLineWith(errOut, "report of 8 customers for 1 December 2025 – 31 January 2026 written to "+dir) {
		t.Errorf("stderr does not say where:\n%s", errOut)
	}
}

// Bad input is refused in one line, exit 2, before anything is pulled or
// written.
func TestReportRefusesBadInputBeforeAnything(t *testing.T) {
	srv := clitest.Fake(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	clitest.WriteFile(t, file, "x")
	script := filepath.Join(tmp, "logo.svg")
	clitest.WriteFile(t, script, `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	dir := filepath.Join(tmp, "pack")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{args("-o", dir), "company: is missing"},
		{args("--all-companies", "-o", dir, "--accent", "green"), `accent "green": is not a colour`},
		{args("--all-companies", "-o", dir, "--brand-logo", script), "<script> element"},
		{args("--all-companies", "-o", dir, "--brand-logo", filepath.Join(tmp, "none.png")), "cannot be read"},
		{args("--all-companies", "-o", dir, "--sort", "best"), `sort "best": is not one of`},
		{[]string{"report", "--all-companies", "-o", dir, "--since", "1/12/2025"}, `since "1/12/2025": is not a date`},
		{[]string{"report", "--all-companies", "-o", dir, "--since", "2026-02-01", "--until", "2026-01-01"}, "is not after its start"},
		{args("--all-companies", "-o", file), "is a file"},
		{args("--all-companies", "-o", filepath.Join(tmp, "no", "pack")), "does not exist"},
		{args("--db", filepath.Join(tmp, "none.db"), "-o", dir), "cannot be read"},
		{args("--from", file, "-o", dir), "not valid JSON"},
		{args("--all-companies", "-o", dir, "-f", "pdf", "--browser", filepath.Join(tmp, "no-browser")), "is not a program"},
		{args("--company", "No Such Company", "-o", dir), "No Such Company"},
	} {
		srv.ResetRequests()
		code, _, errOut := run(t, nil, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q in one line", tc.args[1:], code, errOut, tc.want)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%v: the pack's directory was made", tc.args[1:])
		}
		if tc.want != "No Such Company" && len(srv.Requests()) > 0 {
			t.Errorf("%v: %d requests before refusing", tc.args[1:], len(srv.Requests()))
		}
	}
}

// Without a browser, -f pdf says what to install.
func TestReportPDFWithoutABrowserSaysWhatToInstall(t *testing.T) {
	clitest.Fake(t)
	t.Setenv("PATH", t.TempDir())
	code, _, errOut := run(t, nil, args("--all-companies", "-f", "pdf", "-o", filepath.Join(t.TempDir(), "pack"))...)
	if code != 2 || !strings.Contains(errOut, "apt-get install chromium") || !strings.Contains(errOut, "--browser") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// A company that cannot be pulled is said on its page, in the overview and
// on stderr; the others are written, and the exit is 3.
func TestReportOneCompanyFailingExits3(t *testing.T) {
	clitest.Fake(t, keepnettest.WithCustomers(3))
	dir := filepath.Join(t.TempDir(), "pack")
	broken := keepnet.WithTransport(breakCompany{companyID: keepnettest.CompanyAcmeID, suffix: "/users/search"})
	code, _, errOut := run(t, []keepnet.Option{broken}, args("--all-companies", "-o", dir)...)
	if code != 3 {
		t.Fatalf("exit %d, want 3: %s", code, errOut)
	}
	if !strings.Contains(errOut, keepnettest.CompanyAcmeName+": ") || !strings.Contains(errOut, "503") {
		t.Errorf("stderr does not name the company and why:\n%s", errOut)
	}
	page := clitest.MustRead(t, filepath.Join(dir, "acme-manufacturing.html"))
	index := clitest.MustRead(t, filepath.Join(dir, "index.html"))
	if !strings.Contains(page, "could not be had") || !strings.Contains(index, "could not be had") {
		t.Error("the page or the overview does not say what is missing")
	}
	if _, err := os.Stat(filepath.Join(dir, "globex-retail.html")); err != nil {
		t.Errorf("the other companies' pages: %v", err)
	}
}

// breakCompany answers 503 to one company's requests to paths ending in
// suffix.
type breakCompany struct{ companyID, suffix string }

func (b breakCompany) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, b.suffix) && r.Header.Get("X-KEEPNET-Company-Id") == b.companyID {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Header: http.Header{"Content-Type": {"text/html"}}, Body: http.NoBody, Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Saved pulls give the service's pages; --company keeps the companies
// named, and a record read twice counts once, said on stderr.
func TestReportFromSavedPulls(t *testing.T) {
	clitest.Fake(t, keepnettest.WithCustomers(3))
	tmp := t.TempDir()
	service := filepath.Join(tmp, "service")
	if code, _, errOut := run(t, nil, args("--all-companies", "-o", service)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var paths []string
	for _, pull := range []struct {
		name string
		args []string
	}{
		{"surveys.ndjson", []string{"survey-results", "--all-companies", "--enrollment", keepnettest.SurveyName}},
	} {
		path := filepath.Join(tmp, pull.name)
		if code, _, errOut := run(t, nil, append(pull.args, "-o", path)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", pull.args, code, errOut)
		}
		paths = append(paths, path)
	}
	saved := filepath.Join(tmp, "saved")
	a := args("-o", saved, "--company", keepnettest.CompanyAcmeName)
	for _, p := range paths {
		a = append(a, "--from", p, "--from", p)
	}
	code, _, errOut := run(t, nil, a...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if names := clitest.DirEntries(t, saved); !slices.Equal(names, []string{"acme-manufacturing.html", "index.html"}) {
		t.Errorf("files %v, want Acme's and the overview", names)
	}
	if !clitest.HasLineWith(errOut, "read more than once, counted once") {
		t.Errorf("stderr does not say the duplicates were dropped:\n%s", errOut)
	}
	// The survey's section is the service's, whichever the input.
	section := func(page string) string {
		_, s, _ := strings.Cut(page, `id="s1-survey"`)
		s, _, _ = strings.Cut(s, "<footer>")
		return s
	}
	got := section(clitest.MustRead(t, filepath.Join(saved, "acme-manufacturing.html")))
	want := section(clitest.MustRead(t, filepath.Join(service, "acme-manufacturing.html")))
	if got == "" || got != want {
		t.Errorf("the survey from a saved pull differs from the service's")
	}
}

// The default period is last month.
func TestReportDefaultsToLastMonth(t *testing.T) {
	clitest.Fake(t)
	dir := filepath.Join(t.TempDir(), "pack")
	code, _, errOut := run(t, nil, "report", "--company", keepnettest.CompanyGlobexName, "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	last := time.Now().AddDate(0, 0, -time.Now().Day()).Format("January 2006")
	if !strings.Contains(errOut, "for "+last) {
		t.Errorf("stderr does not name last month (%s):\n%s", last, errOut)
	}
	if page := clitest.MustRead(t, filepath.Join(dir, "globex-retail.html")); !strings.Contains(page, "No training, simulation or survey started in this period") {
		t.Error("a customer with nothing in the period does not say so")
	}
}

// A sync database gives the pack without the service: the period's
// enrollments, their users.
func TestReportFromADatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keepnet.db")
	target, err := store.ParseTarget(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenTarget(ctx, target, store.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := st.BeginSync(ctx, store.SyncOptions{Selection: "test", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	co := store.Company{ID: "co-1", Name: "Example Dental", DateFormat: "dd/MM/yyyy"}
	must(t, y.Companies(ctx, []store.Company{co}, true))
	for i, start := range []string{"03/11/2026 09:00", "03/10/2026 09:00"} { // in November, and in October
		w, err := y.Training(ctx, store.Enrollment{Company: co, ID: fmt.Sprintf("enr-%d", i), Name: fmt.Sprintf("Training %d", i), Kind: store.KindTraining,
			Type: "SCORM", Status: "Finished", Finished: true, StartDate: keepnetdate.FromString(start), DateOrder: keepnetdate.DayFirst})
		must(t, err)
		must(t, w.Add(ctx, store.TrainingUser{TargetUserID: "u-1", Email: "a@example.com", Status: "Completed"}))
		must(t, w.Add(ctx, store.TrainingUser{TargetUserID: "u-2", Email: "b@example.com", Status: "In Progress"}))
		must(t, w.Commit(ctx, nil))
	}
	must(t, y.Finish(ctx, nil))
	must(t, st.Close())

	dir := filepath.Join(t.TempDir(), "pack")
	code, _, errOut := run(t, nil, "report", "--db", path, "--since", "2026-11-01", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	page := clitest.MustRead(t, filepath.Join(dir, "example-dental.html"))
	if !strings.Contains(page, "Training 0") || strings.Contains(page, "Training 1") || !strings.Contains(page, "1 of 2 enrolled users") {
		t.Error("the page is not November's training")
	}
	code, _, errOut = run(t, nil, "report", "--db", path, "--company", "Other Co", "-o", dir)
	if code != 2 || !strings.Contains(errOut, "not in the database") {
		t.Errorf("a company not in the database: exit %d, %s", code, errOut)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
