package report_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/report/browser"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// needTool finds a program the browser checks need. Without it they are
// skipped, except in CI (CI=true), where .ci/run installs it and its
// absence is a failure.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; .ci/run installs it (apt-get install %s)", name, pkg)
		}
		t.Skipf("%s is not installed (apt-get install %s); CI=true makes this a failure", name, pkg)
	}
	return path
}

// headless finds the browser the checks render with: Chromium's headless
// shell where it is installed (.ci/run installs it), as report -f pdf
// finds it, since it starts in half the browser's time; else chromium.
func headless(t *testing.T) string {
	t.Helper()
	if bin, err := browser.Find(""); err == nil {
		return bin
	}
	return needTool(t, "chromium", "chromium")
}

// artifactDir is where the browser checks keep their pages, screenshots
// and PDFs: $KEEPNET_ARTIFACTS, else .artifacts/ at the repository root
// (git-ignored).
func artifactDir(t *testing.T, sub string) string {
	t.Helper()
	dir := os.Getenv("KEEPNET_ARTIFACTS")
	if dir == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, ".artifacts")
	}
	dir = filepath.Join(dir, sub)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// logo is an invented reseller's logo, an SVG that only draws.
const logo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 260 56" width="260" height="56">
<path d="M28 4 L50 12 V28 C50 41 40 49 28 53 C16 49 6 41 6 28 V12 Z" fill="#0b6e4f"/>
<path d="M18 28 L26 36 L40 20" fill="none" stroke="#ffffff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>
<text x="62" y="26" font-family="Helvetica, Arial, sans-serif" font-size="20" font-weight="700" fill="#1f2328">Northwind</text>
<text x="62" y="46" font-family="Helvetica, Arial, sans-serif" font-size="14" letter-spacing="3" fill="#0b6e4f">SECURITY PARTNERS</text>
</svg>`

// showcase is the pack the screenshots show: a world of customers, under
// an invented reseller's name and logo.
func showcase(t *testing.T) (*report.Pack, report.PageOptions) {
	t.Helper()
	srv := specFake(t, keepnettest.WithCustomers(12))
	c := report.NewCollector()
	pullAll(t, clientOf(t, srv), c, workflows.CompanySelection{All: true}, winter)
	uri, err := report.LogoDataURI([]byte(logo))
	if err != nil {
		t.Fatal(err)
	}
	return report.Build(c, winter, asOf), report.PageOptions{Brand: report.Brand{Name: "Northwind Security Partners", Logo: uri, Accent: "#0b6e4f"}, Generated: asOf}
}

// runBrowser runs headless chromium on the file page with extra flags,
// and returns what it wrote on stderr.
func runBrowser(t *testing.T, bin, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--hide-scrollbars",
	}, extra...)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(extra, " "), err, stderr.String())
	}
	return stderr.String()
}

// pageErrors picks out what the page made the browser report: console
// messages (a fetch the page's Content Security Policy blocked among them)
// and failed loads.
func pageErrors(stderr string) []string {
	var errs []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "net::ERR_") || strings.Contains(line, "Failed to load") {
			errs = append(errs, line)
		}
	}
	return errs
}

// TestPackRendersInChromium renders a customer's page and the overview in
// headless chromium and keeps their screenshots (docs/report-customer.png
// and docs/report-overview.png are two of them). It fails when the
// browser reports errors or a screenshot is blank. With
// KEEPNET_SCREENSHOTS=docs it writes the docs' screenshots too.
func TestPackRendersInChromium(t *testing.T) {
	t.Parallel() // beside TestPackPrintsToPDF: both wait on browsers
	bin := headless(t)
	p, opts := showcase(t)
	dir := artifactDir(t, "report-html")
	paths, err := report.Write(context.Background(), p, dir, report.WriteOptions{PageOptions: opts, Sort: report.SortClicked})
	if err != nil {
		t.Fatal(err)
	}
	customer := filepath.Join(dir, "granite-peak-insurance.html")
	for _, shot := range []struct {
		page, png string
		height    int
	}{
		{customer, "report-customer.png", 2000},
		{paths[0], "report-overview.png", 1800},
	} {
		png := filepath.Join(dir, shot.png)
		stderr := runBrowser(t, bin, shot.page, "--screenshot="+png, "--window-size=1200,"+strconv.Itoa(shot.height))
		if errs := pageErrors(stderr); len(errs) > 0 {
			t.Errorf("the browser reported errors rendering %s:\n%s", shot.page, strings.Join(errs, "\n"))
		}
		if img := readPNG(t, png); blank(img, 50) {
			t.Errorf("screenshot %s looks blank", png)
		}
		if os.Getenv("KEEPNET_SCREENSHOTS") == "docs" {
			b, err := os.ReadFile(png)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "..", "docs", shot.png), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("screenshot: %s", png)
	}
}

// TestPackPrintsToPDF prints the pack as report -f pdf does and checks
// every PDF page by page: each page rendered to PNG (pdftoppm) has ink on
// it, and every chart row of the page's HTML (each carries its n=) is in
// the PDF's text, so no chart was lost or cut away.
func TestPackPrintsToPDF(t *testing.T) {
	t.Parallel()
	bin := headless(t)
	pdftoppm := needTool(t, "pdftoppm", "poppler-utils")
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	p, opts := showcase(t)
	keep := map[string]bool{"Fernhill Schools Trust": true, "Acme Manufacturing": true, "Harbourside Clinics": true}
	var few []*report.Customer
	for _, c := range p.Customers {
		if keep[c.Name()] {
			few = append(few, c)
		}
	}
	p.Customers = few
	html := artifactDir(t, "report-pdf-html")
	if _, err := report.Write(context.Background(), p, html, report.WriteOptions{PageOptions: opts, Sort: report.SortClicked}); err != nil {
		t.Fatal(err)
	}
	dir := artifactDir(t, "report-pdf")
	paths, err := report.Write(context.Background(), p, dir, report.WriteOptions{PageOptions: opts, Sort: report.SortClicked, Printer: browser.Printer{Bin: bin}})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(few)+1 {
		t.Fatalf("%d PDFs for %d customers and the overview", len(paths), len(few))
	}
	rows := regexp.MustCompile(`class="n"[^>]*>n=(\d+)<`)
	for _, pdf := range paths {
		name := strings.TrimSuffix(filepath.Base(pdf), ".pdf")
		page, err := os.ReadFile(filepath.Join(html, name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		want := rows.FindAllStringSubmatch(string(page), -1)
		out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", pdf, err)
		}
		text := string(out)
		if got := strings.Count(text, "n="); got != len(want) || len(want) == 0 {
			t.Errorf("%s: %d chart rows in the PDF, %d in the page", name, got, len(want))
		}
		pngs := t.TempDir()
		if out, err := exec.Command(pdftoppm, "-r", "40", "-png", pdf, filepath.Join(pngs, "page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm %s: %v\n%s", pdf, err, out)
		}
		pages, _ := filepath.Glob(filepath.Join(pngs, "page-*.png"))
		if len(pages) == 0 {
			t.Errorf("%s: no page", name)
		}
		for _, pg := range pages {
			if blank(readPNG(t, pg), 400) {
				t.Errorf("%s: page %s is blank", name, filepath.Base(pg))
			}
		}
		t.Logf("%s: %d pages, %d chart rows", filepath.Base(pdf), len(pages), len(want))
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no image: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", path, err)
	}
	return img
}

// blank reports whether fewer than one pixel in every perMille thousand
// sampled is ink (darker than near-white): a page that rendered nothing,
// or nothing but a margin.
func blank(img image.Image, perMille int) bool {
	b := img.Bounds()
	inked, sampled := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			sampled++
			if r>>8 < 230 || g>>8 < 230 || bl>>8 < 230 {
				inked++
			}
		}
	}
	return inked*perMille < sampled
}
