package cmdutil

import "testing"

func TestPaceFlagsBounds(t *testing.T) {
	t.Parallel()
	for n, ok := range map[int]bool{0: false, 1: true, 256: true, 257: false} {
		p := PaceFlags{Concurrency: n}
		if err := p.Check(); (err == nil) != ok {
			t.Errorf("--concurrency %d: Check() = %v", n, err)
		}
	}
	for _, rate := range []float64{-1, nanRate()} {
		if err := (&PaceFlags{Concurrency: 1, Rate: rate}).Check(); err == nil {
			t.Errorf("--rate %v accepted", rate)
		}
	}
}

func nanRate() float64 {
	zero := 0.0
	return zero / zero
}
