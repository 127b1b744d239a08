package report_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

func TestSmoke(t *testing.T) {
	srv := specFake(t, keepnettest.WithCustomers(8))
	c := report.NewCollector()
	pullAll(t, clientOf(t, srv), c, workflows.CompanySelection{All: true}, winter)
	p := report.Build(c, winter, asOf)
	files := render(t, p, report.WriteOptions{PageOptions: report.PageOptions{Brand: report.Brand{Name: "Northwind Security Partners", Accent: "#0b6e4f"}, Generated: asOf}, Sort: report.SortClicked})
	dir := "/work/wt/report/.artifacts/pack"
	os.MkdirAll(dir, 0o755)
	for name, body := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
		t.Logf("%s: %d bytes", name, len(body))
	}
	t.Log(c.Problems(), p.Notes)
}
