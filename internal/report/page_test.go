package report_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/report"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

const hostile = `<script>alert("x")</script> & 'q' </style>+`

func n(v int) *int { return &v }

// job is a phishing row of an invented job in December 2025.
func job(company, campaign string, run int, email, activity, system string, opened, clicked, submitted, reported int) workflows.PhishingRecord {
	return workflows.PhishingRecord{
		CompanyID: "co-" + company, CompanyName: company, Channel: workflows.ChannelPhishing, CampaignID: "cmp-" + campaign, CampaignName: campaign,
		InstanceGroup: run, JobStartDate: keepnetdate.FromString("15/12/2025 09:00"), ResourceID: email + "-" + campaign + "-" + string(rune('0'+run)),
		FirstName: "Test", LastName: strings.Split(email, "@")[0], Email: email, Delivery: "Delivered",
		ActivityType: activity, SystemActivityType: system,
		OpenedCount: n(opened), ClickedCount: n(clicked), SubmittedCount: n(submitted), ReportedCount: n(reported), AttachmentOpenedCount: n(0),
	}
}

// trainee is a user of an invented SCORM enrollment that started in
// December 2025 and was due on 10 January 2026.
func trainee(company, email, status string) workflows.TrainingRecord {
	return workflows.TrainingRecord{
		CompanyID: "co-" + company, CompanyName: company, EnrollmentID: "enr-1", EnrollmentName: "Phishing Basics", EnrollmentType: "SCORM",
		StartDate: keepnetdate.FromString("14/12/2025 09:00"), DueDate: keepnetdate.FromString("2026-01-10T00:00:00"),
		TargetUserResourceID: "u-" + email, Email: email, FirstName: "Test", LastName: strings.Split(email, "@")[0], Status: status,
	}
}

// Scanner activity is counted apart: a row the service marks as a
// scanner's adds no click to the people's, one an administrator
// reclassified as human does; people who clicked in two jobs are repeat
// clickers.
func TestPhishingCountsPeopleAndScannersApart(t *testing.T) {
	c := report.NewCollector()
	for _, r := range []workflows.PhishingRecord{
		job("Example Co", "Invoice", 1, "a@example.com", "Human", "Human", 2, 1, 1, 0),
		job("Example Co", "Invoice", 1, "b@example.com", "Sandbox", "Sandbox", 1, 2, 0, 0),
		job("Example Co", "Invoice", 1, "c@example.com", "Human", "Sandbox", 1, 1, 0, 0), // reclassified
		job("Example Co", "Invoice", 1, "d@example.com", "", "", 0, 0, 0, 1),
		job("Example Co", "Invoice", 2, "a@example.com", "Human", "Human", 1, 1, 0, 0),
		job("Example Co", "Invoice", 2, "b@example.com", "Sandbox", "Sandbox", 1, 1, 0, 0),
		job("Example Co", "Invoice", 2, "c@example.com", "", "", 0, 0, 0, 0),
	} {
		c.AddPhishing(r, "test")
	}
	p := report.Build(c, winter, asOf)
	ph := p.Customers[0].Phishing
	first := ph.Jobs[0]
	if first.Delivered != 4 || first.Clicked.N != 2 || first.Scanner != 1 || first.ScannerClicked != 1 || first.Reclassified != 1 || first.Reported.N != 1 {
		t.Errorf("first job: %+v", first)
	}
	if len(ph.RepeatClickers) != 1 || ph.RepeatClickers[0].Email != "a@example.com" || ph.RepeatClickers[0].Clicked != 2 {
		t.Errorf("repeat clickers %+v, want a@ alone (b@'s clicks are a scanner's)", ph.RepeatClickers)
	}
	page := customerPage(t, p, report.PageOptions{})
	for _, want := range []string{"Scanner activity", "reclassified as people", "Repeat clickers", "a@example.com", "Invoice (run 2)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="training"`) || strings.Contains(page, `survey">`) {
		t.Error("a section the customer has nothing of is on the page")
	}
}

// Users past the due date who have not completed are listed; those who
// completed, or whose enrollment is not due, are not.
func TestOverdueUsersAreListed(t *testing.T) {
	c := report.NewCollector()
	for _, r := range []workflows.TrainingRecord{
		trainee("Example Co", "late@example.com", "In Progress"),
		trainee("Example Co", "never@example.com", "Not Responded"),
		trainee("Example Co", "done@example.com", "Completed"),
	} {
		c.AddTraining(r, "test")
	}
	notDue := trainee("Example Co", "fine@example.com", "In Progress")
	notDue.EnrollmentID, notDue.EnrollmentName, notDue.DueDate = "enr-2", "Passwords", keepnetdate.FromString("2026-03-01T00:00:00")
	c.AddTraining(notDue, "test")
	p := report.Build(c, winter, asOf)
	tr := p.Customers[0].Training
	if tr.Users != 4 || tr.Completed != 1 || len(tr.Overdue) != 2 {
		t.Fatalf("training %+v", tr)
	}
	if o := tr.Overdue[0]; o.Days != 41 || o.Due != "2026-01-10" {
		t.Errorf("overdue %+v, want 41 days past 2026-01-10", o)
	}
	page := customerPage(t, p, report.PageOptions{})
	if !strings.Contains(page, "late@example.com") || strings.Contains(page, "fine@example.com") || strings.Contains(page, ">done@example.com") {
		t.Error("the overdue list is wrong")
	}
}

// Nothing on a customer's page names keepnet-flow unless asked; the
// reseller's name, logo and colour are there.
func TestCustomerPagesCarryTheResellersBrandOnly(t *testing.T) {
	c := report.NewCollector()
	c.AddTraining(trainee("Example Co", "a@example.com", "Completed"), "test")
	c.AddPhishing(job("Example Co", "Invoice", 1, "a@example.com", "Human", "Human", 1, 1, 0, 0), "test")
	p := report.Build(c, winter, asOf)
	logo, err := report.LogoDataURI(pngLogo(t))
	if err != nil {
		t.Fatal(err)
	}
	brand := report.Brand{Name: "Northwind Security", Logo: logo, Accent: "#0b6e4f"}
	for _, credit := range []bool{false, true} {
		brand.Credit = credit
		files := render(t, p, report.WriteOptions{PageOptions: report.PageOptions{Brand: brand, Generated: asOf}})
		for name, page := range files {
			if got := strings.Contains(strings.ToLower(page), "keepnet"); got != credit {
				t.Errorf("credit %v: %s names keepnet: %v", credit, name, got)
			}
			for _, want := range []string{"Northwind Security", `src="data:image/png;base64,`, "--accent: #0b6e4f", "img-src data:"} {
				if !strings.Contains(page, want) {
					t.Errorf("%s lacks %q", name, want)
				}
			}
		}
	}
}

func pngLogo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		img.Set(x, 10, color.RGBA{11, 110, 79, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A logo is a PNG, a JPEG or an SVG that can only draw; anything else, or
// too large, is refused with the reason.
func TestLogosAreCheckedAndBounded(t *testing.T) {
	plain := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>`
	uri, err := report.LogoDataURI([]byte(plain))
	if err != nil || !strings.HasPrefix(uri, "data:image/svg+xml;base64,") {
		t.Fatalf("a plain SVG: %q, %v", uri, err)
	}
	if b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/svg+xml;base64,")); string(b) != plain {
		t.Error("the SVG is not embedded as it was")
	}
	for name, svg := range map[string]string{
		"script":       `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"onload":       `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"external":     `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://example.com/x.png"/></svg>`,
		"javascript":   `<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>`,
		"foreign":      `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>`,
		"animate":      `<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>`,
		"entity":       `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`,
		"style import": `<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://example.com/x.css);</style></svg>`,
		"style url":    `<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url('https://example.com/x')"/></svg>`,
		"stylesheet":   `<?xml-stylesheet href="https://example.com/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>`,
		"not svg":      `<html><body><svg/></body></html>`,
	} {
		if _, err := report.LogoDataURI([]byte(svg)); err == nil {
			t.Errorf("%s: an SVG that can do more than draw is accepted", name)
		}
	}
	if _, err := report.LogoDataURI([]byte("GIF89a....")); err == nil || !strings.Contains(err.Error(), "PNG, JPEG or SVG") {
		t.Errorf("a GIF: %v", err)
	}
	if _, err := report.LogoDataURI([]byte("\x89PNG\r\n\x1a\nbroken")); err == nil {
		t.Error("a broken PNG is accepted")
	}
	big := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(big, append(pngLogo(t), make([]byte, report.MaxLogoBytes)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := report.LoadLogo(big); err == nil || !strings.Contains(err.Error(), "KiB") {
		t.Errorf("a logo over the bound: %v", err)
	}
	for _, bad := range []string{"0b6e4f", "#0b6e4", "#0b6e4g", "red", "#0b6e4f;}", ""} {
		if _, err := report.CheckAccent(bad); err == nil {
			t.Errorf("accent %q accepted", bad)
		}
	}
	if got, err := report.CheckAccent("#0B6E4F"); err != nil || got != "#0b6e4f" {
		t.Errorf("accent #0B6E4F = %q, %v", got, err)
	}
}

// Names from the service are text on every page, never markup, and file
// names are made safe and unique.
func TestHostileNamesAreEscapedAndFileNamesSafe(t *testing.T) {
	c := report.NewCollector()
	for _, name := range []string{"Zoë & Co." + hostile, "../../etc/passwd", "CON", "Index", "Brightwater Dental Group", "Brightwater Dental Group!"} {
		r := trainee(name, "a@example.com", "In Progress")
		r.EnrollmentName, r.FirstName = hostile, hostile
		c.AddTraining(r, "test")
	}
	p := report.Build(c, winter, asOf)
	names := report.FileNames(p, ".html")
	want := []string{"zoe-co-script-alert-x-script-q-style.html", "etc-passwd.html", "con-company.html", "index-2.html",
		"brightwater-dental-group.html", "brightwater-dental-group-2.html"}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("file name %d = %q, want %q", i, names[i], want[i])
		}
	}
	files := render(t, p, report.WriteOptions{})
	if len(files) != len(want)+1 {
		t.Fatalf("%d files written: %v", len(files), keys(files))
	}
	for name, page := range files {
		if strings.Contains(page, "<script") || strings.Contains(page, `"x"`) || strings.Count(page, "</style>") != 1 {
			t.Errorf("%s holds hostile text unescaped", name)
		}
	}
	if !strings.Contains(files["index.html"], `href="zoe-co-script-alert-x-script-q-style.html">Zoë &amp; Co.&lt;script&gt;`) {
		t.Error("the overview does not link the customer's page by its escaped name")
	}
}

func customerPage(t *testing.T, p *report.Pack, opts report.PageOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.WriteCustomer(&buf, p, p.Customers[0], "", opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The overview orders customers by the rate asked for, those needing
// attention first, those without it last.
func TestOverviewSortsByRate(t *testing.T) {
	c := report.NewCollector()
	clicks := map[string]int{"Alpha": 1, "Bravo": 3, "Charlie": 2}
	for company, k := range clicks {
		for i := range 4 {
			clicked := 0
			if i < k {
				clicked = 1
			}
			c.AddPhishing(job(company, "Invoice", 1, string(rune('a'+i))+"@example.com", "Human", "Human", 1, clicked, 0, 0), "test")
		}
	}
	c.AddTraining(trainee("Delta", "a@example.com", "Completed"), "test")
	p := report.Build(c, winter, asOf)
	order := func(k report.SortKey) string {
		var names []string
		for _, cu := range p.Sorted(k) {
			names = append(names, cu.Name())
		}
		return strings.Join(names, ",")
	}
	if got := order(report.SortClicked); got != "Bravo,Charlie,Alpha,Delta" {
		t.Errorf("by clicked: %s", got)
	}
	if got := order(report.SortName); got != "Alpha,Bravo,Charlie,Delta" {
		t.Errorf("by name: %s", got)
	}
	var buf bytes.Buffer
	if err := report.WriteOverview(&buf, p, report.FileNames(p, ".html"), report.SortClicked, report.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr><th scope="row" class="t"><a href="[^"]*">([^<]*)</a>`).FindAllStringSubmatch(buf.String(), -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[1])
	}
	if strings.Join(got, ",") != "Bravo,Charlie,Alpha,Delta" {
		t.Errorf("overview rows %v", got)
	}
}

func TestPeriod(t *testing.T) {
	now := time.Date(2026, time.December, 5, 16, 0, 0, 0, time.UTC)
	p := report.LastMonth(now)
	if p.String() != "November 2026" || p.Slug() != "2026-11" || p.Detail() != "1 – 30 November 2026" {
		t.Errorf("last month: %s / %s / %s", p, p.Slug(), p.Detail())
	}
	q := report.Period{Since: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)}
	if q.String() != "15 December 2025 – 14 January 2026" || q.Slug() != "2025-12-15_2026-01-14" {
		t.Errorf("%s / %s", q, q.Slug())
	}
}
