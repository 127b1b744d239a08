package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/internal/report/browser"
	"github.com/keepnet-flow/keepnet-flow/internal/store"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// The targets: the pack of 60 customers (HTML) in at most 2 s from
// a database or saved pulls, each customer's file at most 300 KB, and one
// customer's PDF in at most 3 s with Chromium.
const maxCustomerFile = 300 << 10

// sixty is the period's records of a 60-customer world, saved as pulls
// and synced to a database: the inputs the benchmarks read.
type sixty struct {
	files []string
	db    *store.Store
}

func sixtyCustomers(b testing.TB, withDB bool) sixty {
	b.Helper()
	srv := specFake(b, keepnettest.WithCustomers(60))
	cl := clientOf(b, srv)
	all := workflows.CompanySelection{All: true}
	got := pullAll(b, cl, report.NewCollector(), all, winter)
	dir := b.TempDir()
	o := orders(srv)
	files := []string{filepath.Join(dir, "training.ndjson"), filepath.Join(dir, "phishing.ndjson"), filepath.Join(dir, "survey.ndjson")}
	writeNDJSON(b, files[0], saveTraining(got.training, o))
	writeNDJSON(b, files[1], savePhishing(got.phishing, o))
	writeNDJSON(b, files[2], got.surveys)
	in := sixty{files: files}
	if withDB {
		in.db = syncDB(b, cl, all, winter)
	}
	return in
}

// writePack writes the pack into a fresh directory and returns the
// largest file's size and the total.
func writePack(b testing.TB, p *report.Pack) (largest, total int64) {
	b.Helper()
	dir, err := os.MkdirTemp("", "keepnet-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	paths, err := report.Write(context.Background(), p, dir, report.WriteOptions{Sort: report.SortClicked})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range paths[1:] {
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		largest = max(largest, fi.Size())
		total += fi.Size()
	}
	return largest, total
}

// BenchmarkPackOf60CustomersFromSavedPulls reads a period's saved pulls of
// 60 customers (training, simulations, surveys) and writes the HTML pack.
// Its baseline, in the same run, decodes the same files into the records'
// types and does nothing else: "vs-decode" is the pack's time over it.
func BenchmarkPackOf60CustomersFromSavedPulls(b *testing.B) {
	in := sixtyCustomers(b, false)
	start := time.Now()
	decodeOnly[workflows.TrainingRecord](b, in.files[0])
	decodeOnly[workflows.PhishingRecord](b, in.files[1])
	decodeOnly[workflows.SurveyRecord](b, in.files[2])
	baseline := time.Since(start)
	var largest, total int64
	for b.Loop() {
		c := report.NewCollector()
		for _, f := range in.files {
			if _, err := c.ReadFile(f); err != nil {
				b.Fatal(err)
			}
		}
		largest, total = writePack(b, report.Build(c, winter, asOf))
	}
	b.ReportMetric(float64(largest)/1024, "largest-KiB")
	b.ReportMetric(float64(total)/(1<<20), "pack-MiB")
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(baseline), "vs-decode")
}

// decodeOnly decodes a saved pull's lines into its records' type, the
// least a reader of it can do.
func decodeOnly[R any](b *testing.B, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var r R
		if err := json.Unmarshal(line, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackOf60CustomersFromDatabase reads the period from a SQLite
// sync database of 60 customers and writes the HTML pack.
func BenchmarkPackOf60CustomersFromDatabase(b *testing.B) {
	in := sixtyCustomers(b, true)
	var largest int64
	for b.Loop() {
		c := report.NewCollector()
		if _, err := c.ReadDB(context.Background(), in.db.DB(), winter, nil); err != nil {
			b.Fatal(err)
		}
		largest, _ = writePack(b, report.Build(c, winter, asOf))
	}
	b.ReportMetric(float64(largest)/1024, "largest-KiB")
}

// BenchmarkCustomerPDF prints the largest customer's page of the
// 60-customer pack with Chromium, as report -f pdf does.
func BenchmarkCustomerPDF(b *testing.B) {
	bin, err := browser.Find("")
	if err != nil {
		b.Skip("no Chromium is installed (apt-get install chromium-headless-shell or chromium)")
	}
	in := sixtyCustomers(b, true)
	c := report.NewCollector()
	if _, err := c.ReadDB(context.Background(), in.db.DB(), winter, nil); err != nil {
		b.Fatal(err)
	}
	p := report.Build(c, winter, asOf)
	dir := b.TempDir()
	paths, err := report.Write(context.Background(), p, dir, report.WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	page, size := "", int64(0)
	for _, path := range paths[1:] {
		if fi, err := os.Stat(path); err == nil && fi.Size() > size {
			page, size = path, fi.Size()
		}
	}
	pr := browser.Printer{Bin: bin}
	// The baseline, in the same run: a page of one word, which costs the
	// browser's start and no layout.
	blank := filepath.Join(dir, "blank.html")
	if err := os.WriteFile(blank, []byte("<!DOCTYPE html><p>blank</p>"), 0o600); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := pr.PrintPDF(context.Background(), blank, filepath.Join(dir, "blank.pdf")); err != nil {
		b.Fatal(err)
	}
	baseline := time.Since(start)
	for b.Loop() {
		if err := pr.PrintPDF(context.Background(), page, filepath.Join(dir, "customer.pdf")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1024, "page-KiB")
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(baseline), "vs-blank-page")
}

// TestEveryCustomerFileFitsIn300KB checks the size target, which does not
// depend on the machine, on the 60-customer world.
func TestEveryCustomerFileFitsIn300KB(t *testing.T) {
	if testing.Short() {
		t.Skip("pulls a 60-customer world")
	}
	in := sixtyCustomers(t, false)
	c := report.NewCollector()
	for _, f := range in.files {
		if _, err := c.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	p := report.Build(c, winter, asOf)
	logo, err := report.LogoDataURI([]byte(logo))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := report.Write(context.Background(), p, dir, report.WriteOptions{PageOptions: report.PageOptions{Brand: report.Brand{Name: "Northwind Security Partners", Logo: logo}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 64 { // the overview, 60 customers and the three seeded companies
		t.Errorf("%d files", len(paths))
	}
	for _, path := range paths {
		if fi, err := os.Stat(path); err != nil || fi.Size() > maxCustomerFile {
			t.Errorf("%s: %d bytes (%v), over %d", filepath.Base(path), fi.Size(), err, maxCustomerFile)
		}
	}
}
