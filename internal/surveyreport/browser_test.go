package surveyreport_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report/browser"
	"github.com/keepnet-flow/keepnet-flow/internal/surveyreport"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// chromium finds the browser the check renders with, as report -f pdf
// finds it (browser.Find: Chromium's headless shell where it is installed,
// which starts in half the browser's time, else chromium). Without one the
// check is skipped, except in CI (CI=true), where .ci/run installs it and
// its absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	bin, err := browser.Find("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v; .ci/run installs chromium-headless-shell and chromium", err)
		}
		t.Skipf("%v; CI=true makes this a failure", err)
	}
	return bin
}

// artifactDir is where the browser check keeps its page and screenshot:
// $KEEPNET_ARTIFACTS, else .artifacts/ at the repository root (git-ignored).
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KEEPNET_ARTIFACTS")
	if dir == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, ".artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runChromium runs headless chromium on url with extra flags and returns
// its stdout and stderr.
func runChromium(t *testing.T, bin, url string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
	}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// pageErrors picks out what the page made the browser report: console
// messages (a blocked fetch, which the page's Content Security Policy
// turns into one, included) and failed loads. Chromium's own complaints
// about the machine (D-Bus, GPU) are not the page's.
func pageErrors(stderr string) []string {
	var errs []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "net::ERR_") || strings.Contains(line, "Failed to load") {
			errs = append(errs, line)
		}
	}
	return errs
}

// TestReportRendersInChromium renders the report of a keepnettest survey in
// two companies to a PNG with headless chromium, and fails when the
// browser reports errors, when the rendered DOM lacks the charts, when the
// screenshot is blank, or when the page does not print.
func TestReportRendersInChromium(t *testing.T) {
	bin := chromium(t)
	c := fakeClient(t, keepnettest.WithUsers(60))
	report, _, err := reportSurvey(context.Background(), c, workflows.SurveyRequest{
		Companies:  workflows.CompanySelection{Companies: []string{keepnettest.CompanyAcmeName, keepnettest.CompanyGlobexName}},
		Enrollment: keepnettest.SurveyName,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := artifactDir(t)
	page := filepath.Join(dir, "survey-report.html")
	shot := filepath.Join(dir, "survey-report.png")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := surveyreport.WriteHTML(f, report, surveyreport.HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	// The three renderings are independent, and each mostly waits on its
	// browser: they run side by side.
	t.Run("dom", func(t *testing.T) {
		t.Parallel()
		dom, stderr := runChromium(t, bin, url, "--dump-dom")
		if errs := pageErrors(stderr); len(errs) > 0 {
			t.Errorf("the browser reported errors rendering %s:\n%s", page, strings.Join(errs, "\n"))
		}
		// One chart for the statuses and one per question, each with bars.
		if n, want := strings.Count(dom, "<svg"), 1+len(report.Overall.Questions); n != want {
			t.Errorf("rendered DOM has %d svg charts, want %d", n, want)
		}
		if strings.Count(dom, "<rect") < 3*len(report.Overall.Questions) {
			t.Errorf("rendered DOM has %d bars, too few to be the charts", strings.Count(dom, "<rect"))
		}
		if !strings.Contains(dom, keepnettest.SurveyName) || !strings.Contains(dom, "Overall") {
			t.Error("rendered DOM lacks the survey's name or the overall row")
		}
	})
	t.Run("screenshot", func(t *testing.T) {
		t.Parallel()
		_, stderr := runChromium(t, bin, url, "--screenshot="+shot, "--window-size=1200,2400", "--hide-scrollbars")
		if errs := pageErrors(stderr); len(errs) > 0 {
			t.Errorf("the browser reported errors taking the screenshot:\n%s", strings.Join(errs, "\n"))
		}
		checkNotBlank(t, shot)
		t.Logf("screenshot: %s (page: %s)", shot, page)
	})
	// Printing must work too: chromium lays the page out for paper (the
	// page's @media print rules) and writes a PDF of several pages.
	pdf := filepath.Join(dir, "survey-report.pdf")
	t.Run("print", func(t *testing.T) {
		t.Parallel()
		_, stderr := runChromium(t, bin, url, "--no-pdf-header-footer", "--print-to-pdf="+pdf)
		if errs := pageErrors(stderr); len(errs) > 0 {
			t.Errorf("the browser reported errors printing:\n%s", strings.Join(errs, "\n"))
		}
		if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) || !bytes.Contains(b, []byte("/Type /Page")) {
			t.Errorf("printing gave no PDF with pages (%v)", err)
		}
		t.Logf("printed: %s", pdf)
	})
}

// checkNotBlank fails when the PNG is one uniform colour, or nearly all
// background: a page that failed to render.
func checkNotBlank(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", path, err)
	}
	colours, inked := map[uint32]bool{}, 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|b>>8] = true
			if r>>8 < 230 || g>>8 < 230 || b>>8 < 230 {
				inked++
			}
		}
	}
	sampled := (bounds.Dx() / 2) * (bounds.Dy() / 2)
	if len(colours) < 16 || inked < sampled/50 {
		t.Errorf("screenshot %s looks blank: %d colours, %d of %d sampled pixels not background", path, len(colours), inked, sampled)
	}
}
