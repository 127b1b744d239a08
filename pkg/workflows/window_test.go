package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

func TestWindowPlacesStartDates(t *testing.T) {
	utc := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	plus3 := time.FixedZone("UTC+3", 3*3600)
	tests := []struct {
		name  string
		w     window
		date  string
		order keepnetdate.Order
		in    bool
		err   string
	}{
		{"day first, in", window{utc(2, 1), utc(3, 1)}, "05/02/2026 09:00", keepnetdate.DayFirst, true, ""},
		{"month first, out", window{utc(2, 1), utc(3, 1)}, "05/02/2026 09:00", keepnetdate.MonthFirst, false, ""},
		{"order unknown, the readings either side", window{utc(2, 1), utc(3, 1)}, "05/02/2026 09:00", keepnetdate.Unknown, false, "2026-02-05 or 2026-05-02"},
		{"order unknown, both readings in", window{utc(1, 1), utc(6, 1)}, "05/02/2026 09:00", keepnetdate.Unknown, true, ""},
		{"order unknown, both readings out", window{utc(6, 1), time.Time{}}, "05/02/2026 09:00", keepnetdate.Unknown, false, ""},
		{"order unknown, a day above 12", window{utc(2, 1), utc(3, 1)}, "14/02/2026 09:00", keepnetdate.Unknown, true, ""},
		{".NET date", window{utc(1, 12), utc(1, 13)}, "2026-01-12T09:00:00.1234567", keepnetdate.Unknown, true, ""},
		{"until is open-ended", window{utc(1, 12), utc(1, 13)}, "2026-01-13T00:00:00", keepnetdate.Unknown, false, ""},
		{"since is closed", window{utc(1, 12), utc(1, 13)}, "2026-01-12T00:00:00", keepnetdate.Unknown, true, ""},
		// Zone-less dates are wall-clock times in the window's location.
		{"read in Since's zone", window{time.Date(2026, 1, 12, 0, 0, 0, 0, plus3), time.Time{}}, "2026-01-11T22:30:00", keepnetdate.Unknown, false, ""},
		{"a date with a zone keeps it", window{time.Date(2026, 1, 12, 0, 0, 0, 0, plus3), time.Time{}}, "2026-01-11T22:30:00Z", keepnetdate.Unknown, true, ""},
		{"no date", window{utc(1, 1), time.Time{}}, "", keepnetdate.DayFirst, false, "no start date"},
		{"not a date", window{utc(1, 1), time.Time{}}, "soon", keepnetdate.DayFirst, false, `"soon" cannot be read`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := tt.w.place(keepnetdate.FromString(tt.date), tt.order)
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("place(%q) = %v, %v; want an error with %q", tt.date, in, err, tt.err)
			case tt.err == "" && (err != nil || in != tt.in):
				t.Errorf("place(%q) = %v, %v; want %v", tt.date, in, err, tt.in)
			}
		})
	}
}

func TestDateOrderFromSettingsElseDates(t *testing.T) {
	seen := []keepnetdate.Time{keepnetdate.FromString("05/02/2026 09:00"), keepnetdate.FromString("01/22/2026 10:00")}
	if o := dateOrder(CompanyDates{Order: keepnetdate.DayFirst}, seen); o != keepnetdate.DayFirst {
		t.Errorf("the setting's order gave way to the dates': %v", o)
	}
	if o := dateOrder(CompanyDates{}, seen); o != keepnetdate.MonthFirst {
		t.Errorf("order %v, want month first, as 01/22 shows", o)
	}
	if o := dateOrder(CompanyDates{}, seen[:1]); o != keepnetdate.Unknown {
		t.Errorf("order %v from a date that shows none", o)
	}
}
