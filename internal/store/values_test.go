package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnetdate"
)

// TestISOFastAgreesWithKeepnetdate: the fast reading of .NET dates gives
// exactly what keepnetdate gives, and declines whatever it would not read
// the same way.
func TestISOFastAgreesWithKeepnetdate(t *testing.T) {
	cases := []string{
		"2026-01-22T13:30:09", "2026-01-22T13:30:09.1234567", "2026-01-22T13:30:09.1000000", "2026-01-22T13:30:09.0000000",
		"2026-01-22T13:30:09.123456789", "2026-01-22T13:30:09.1234567891", "2024-02-29T00:00:00", "2026-02-29T00:00:00",
		"2026-04-31T10:00:00", "2026-13-01T10:00:00", "2026-01-22T24:00:00", "2026-01-22T13:60:00", "2026-01-22T13:30:60",
		"2026-01-22T13:30:09.", "2026-01-22T13:30:09.12a", "2026-01-22T13:30:09Z", "2026-01-22T13:30:09+03:00",
		"2026-01-22 13:30:09", "22/01/2026 13:30:09", "0000-01-01T00:00:00", "2026-1-22T13:30:09", "+026-01-22T13:30:09",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", r.IntN(3000), r.IntN(14), r.IntN(33), r.IntN(26), r.IntN(62), r.IntN(62))
		if r.IntN(2) == 0 {
			s += "." + fmt.Sprintf("%09d", r.IntN(1e9))[:1+r.IntN(9)]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		want, werr := keepnetdate.FromString(s).ISO(keepnetdate.DayFirst)
		got, ok := isoFast(s)
		if ok && (werr != nil || got != want) {
			t.Errorf("isoFast(%q) = %q; keepnetdate says %q, %v", s, got, want, werr)
		}
		if _, at := newDater(keepnetdate.DayFirst).cols(keepnetdate.FromString(s)); werr == nil && at != want {
			t.Errorf("cols(%q) reads %v, keepnetdate %q", s, at, want)
		}
	}
}
