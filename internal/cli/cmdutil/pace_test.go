package cmdutil

import (
	"math"
	"testing"
)

func TestPaceFlagsBounds(t *testing.T) {
	t.Parallel()
	for n, ok := range map[int]bool{0: false, 1: true, 256: true, 257: false, 10_000_000: false} {
		p := PaceFlags{Concurrency: n}
		if err := p.Check(); (err == nil) != ok {
			t.Errorf("--concurrency %d: Check() = %v", n, err)
		}
	}
	for _, tc := range []struct {
		rate float64
		ok   bool
	}{
		{0, true}, {0.2, true}, {1000, true}, {12.5, true},
		{-1, false}, {1e-300, false}, {0.19, false}, {1000.5, false}, {1e9, false},
		{math.NaN(), false}, {math.Inf(1), false}, {math.Inf(-1), false},
	} {
		err := (&PaceFlags{Concurrency: 1, Rate: tc.rate}).Check()
		if (err == nil) != tc.ok {
			t.Errorf("--rate %v: Check() = %v", tc.rate, err)
		}
		if err != nil && !IsFlagError(err) {
			t.Errorf("--rate %v: %v is no usage error", tc.rate, err)
		}
	}
}
