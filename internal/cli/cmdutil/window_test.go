package cmdutil

import (
	"strings"
	"testing"
	"time"
)

func TestWindowFlags(t *testing.T) {
	t.Parallel()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.Local) }
	for _, tc := range []struct {
		since, until string
		want         [2]time.Time
		bad          string // the flag a refusal names
	}{
		{"2026-01-01", "2026-03-31", [2]time.Time{day(2026, 1, 1), day(2026, 4, 1)}, ""},
		{"2026-01-01T09:00:00Z", "", [2]time.Time{time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), {}}, ""},
		{"", "2026-02-01T00:00:00+03:00", [2]time.Time{{}, time.Date(2026, 2, 1, 0, 0, 0, 0, time.FixedZone("", 3*3600))}, ""},
		{"01/02/2026", "", [2]time.Time{}, "since"},
		{"", "last Tuesday", [2]time.Time{}, "until"},
		{"2026-13-01", "", [2]time.Time{}, "since"},
		{"2026-03-01", "2026-02-01", [2]time.Time{}, "until"},
	} {
		w := WindowFlags{Since: tc.since, Until: tc.until}
		since, until, err := w.Parse()
		switch {
		case tc.bad != "" && (err == nil || !IsFlagError(err) || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%q..%q: %v, want a usage error naming %s", tc.since, tc.until, err, tc.bad)
		case tc.bad == "" && (err != nil || !since.Equal(tc.want[0]) || !until.Equal(tc.want[1])):
			t.Errorf("%q..%q: %v %v %v, want %v", tc.since, tc.until, since, until, err, tc.want)
		}
	}
}
