package keepnetdate

import "testing"

func TestOrderEvidence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dates    []string
		want     Order
		conflict bool
	}{
		{"nothing seen", nil, Unknown, false},
		{"only ambiguous dates", []string{"01/02/2026 09:00", "12/11/2026", "05/05/2026"}, Unknown, false},
		{"a day above 12 decides", []string{"01/02/2026 09:00", "22/01/2026 13:30:09"}, DayFirst, false},
		{"a month-first date", []string{"03/04/2026", "01/22/2026 1:30 PM"}, MonthFirst, false},
		{"year first and ISO say nothing", []string{"2026/01/22 13:40", "2026-01-22T13:30:09.1234567", "2026-01-22T13:30:09Z"}, Unknown, false},
		{"both orders seen", []string{"22/01/2026", "01/22/2026"}, Unknown, true},
		{"not dates", []string{"", "yesterday", "1/2/3", "ab/13/2026"}, Unknown, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e OrderEvidence
			for _, d := range tc.dates {
				e.Observe(FromString(d))
			}
			if got := e.Order(); got != tc.want || e.Conflicting() != tc.conflict {
				t.Errorf("Order() = %v, Conflicting() = %v; want %v, %v", got, e.Conflicting(), tc.want, tc.conflict)
			}
		})
	}
}

func TestISO(t *testing.T) {
	for _, tc := range []struct {
		in        string
		order     Order
		want      string
		ambiguous bool
	}{
		{"22/01/2026 13:30:09", Unknown, "2026-01-22T13:30:09", false},
		{"22/01/2026 13:40", Unknown, "2026-01-22T13:40:00", false},
		{"05/02/2026 13:40", Unknown, "", true},
		{"05/02/2026 13:40", DayFirst, "2026-02-05T13:40:00", false},
		{"05/02/2026 1:40 PM", MonthFirst, "2026-05-02T13:40:00", false},
		{"2026/01/22 13:40", Unknown, "2026-01-22T13:40:00", false},
		{"2026-01-22T13:30:09.1234567", Unknown, "2026-01-22T13:30:09.1234567", false},
		{"2026-01-22T13:30:09+03:00", Unknown, "2026-01-22T13:30:09+03:00", false},
		{"2026-01-22T10:30:09Z", Unknown, "2026-01-22T10:30:09Z", false},
	} {
		got, err := FromString(tc.in).ISO(tc.order)
		if got != tc.want || IsAmbiguous(err) != tc.ambiguous {
			t.Errorf("ISO(%q, %v) = %q, %v; want %q, ambiguous %v", tc.in, tc.order, got, err, tc.want, tc.ambiguous)
		}
	}
	if _, err := FromString("soon").ISO(DayFirst); err == nil || IsAmbiguous(err) {
		t.Errorf("ISO(soon) = %v, want a parse error", err)
	}
}

func TestOrderOfFormat(t *testing.T) {
	for format, want := range map[string]Order{
		"dd/MM/yyyy":          DayFirst,
		"d.M.yyyy":            DayFirst,
		"dd/MM/yyyy HH:mm:ss": DayFirst,
		"MM/dd/yyyy":          MonthFirst,
		"M/d/yyyy h:mm tt":    MonthFirst,
		"yyyy/MM/dd":          Unknown, // the year first: no order needed
		"yyyy-MM-dd":          Unknown,
		"":                    Unknown,
		"HH:mm":               Unknown,
		"mm/dd/yyyy":          Unknown, // minutes, not months: no month at all
	} {
		if got := OrderOfFormat(format); got != want {
			t.Errorf("OrderOfFormat(%q) = %v, want %v", format, got, want)
		}
	}
}
