package isodates

import (
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

func date(s string) keepnetdate.Time { return keepnetdate.FromString(s) }

// Each company's order is its setting's, else what its own dates show; a
// date whose order is open gets no ISO value, and the notice says why.
func TestOrderPerCompany(t *testing.T) {
	d := Dates{Of: "pull", Wide: "csv-wide"}
	d.ForCompany("set", keepnetdate.MonthFirst)
	if got := d.ISO(date("05/02/2026 13:40")); got != "2026-05-02T13:40:00" {
		t.Errorf("by the setting: %q", got)
	}
	d.ForCompany("seen", keepnetdate.Unknown)
	if got := d.ISO(date("05/02/2026 13:40")); got != "" {
		t.Errorf("before any evidence: %q, want none", got)
	}
	d.Observe(date("22/01/2026 09:00"))
	if got := d.ISO(date("05/02/2026 13:40")); got != "2026-02-05T13:40:00" {
		t.Errorf("after a date showing day first: %q", got)
	}
	d.ForCompany("set", keepnetdate.Unknown) // back to the first: its setting stands
	if got := d.ISO(date("05/02/2026 13:40")); got != "2026-05-02T13:40:00" {
		t.Errorf("the setting was lost: %q", got)
	}
	if got := d.ISO(date("whenever")); got != "" {
		t.Errorf("an unreadable date: %q", got)
	}
	if got := d.ISO(keepnetdate.Time{}); got != "" {
		t.Errorf("a zero date: %q", got)
	}
	notice := d.DateNotice()
	for _, want := range []string{"1 with day and month both 12 or less", "before the first date that showed the order (csv-wide", "1 in a format keepnet-flow does not know"} {
		if !strings.Contains(notice, want) {
			t.Errorf("notice %q lacks %q", notice, want)
		}
	}
	if (&Dates{Of: "pull"}).DateNotice() != "" {
		t.Error("a notice with nothing to say")
	}
}

func TestNoticeWithoutEvidence(t *testing.T) {
	d := Dates{Of: "pull"}
	d.ForCompany("c", keepnetdate.Unknown)
	d.ISO(date("05/02/2026 13:40"))
	if n := d.DateNotice(); !strings.Contains(n, "no date of this pull had a day above 12") {
		t.Errorf("notice %q", n)
	}
}

// Time is ISO's reading as a time: the same wall clock, the offset only
// where the server sent one, none where ISO has none, counted alike.
func TestTimeIsISOsReading(t *testing.T) {
	d := Dates{Of: "pull"}
	d.ForCompany("c", keepnetdate.DayFirst)
	for _, s := range []string{"05/02/2026 13:40", "2026-02-05T13:40:09.5", "2026-02-05T13:40:09+03:00"} {
		got := d.Time(date(s))
		iso := d.ISO(date(s))
		if got.IsZero() || iso == "" {
			t.Fatalf("%q: time %v, ISO %q", s, got, iso)
		}
		if want := got.Format("2006-01-02T15:04:05.999999999"); !strings.HasPrefix(iso, want) {
			t.Errorf("%q: time %v, ISO %q", s, got, iso)
		}
	}
	if got := d.Time(date("2026-02-05T13:40:09+03:00")); got.Hour() != 13 {
		t.Errorf("the offset's wall clock was moved: %v", got)
	}
	d.ForCompany("open", keepnetdate.Unknown)
	if got := d.Time(date("05/02/2026 13:40")); !got.IsZero() {
		t.Errorf("an ambiguous date read as %v", got)
	}
	if got := d.Time(date("whenever")); !got.IsZero() || d.Time(keepnetdate.Time{}) != (time.Time{}) {
		t.Errorf("an unreadable date read as %v", got)
	}
	if n := d.DateNotice(); !strings.Contains(n, "1 with day and month") || !strings.Contains(n, "1 in a format") {
		t.Errorf("notice %q", n)
	}
}
