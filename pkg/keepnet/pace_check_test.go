package keepnet

import (
	"testing"
	"time"
)

// A cut that lands just above the limit goes on being refused about as
// much, and its check may take the 429s for faults. The pace then goes
// back to where the service first refused, not to where a search had
// risen while holding for a measure (2.4 times the limit in one such
// pull): at 200 a second with 8 in flight, three pulls in eight refused
// 5.0-5.3% of their requests that way, and refuse under 4% now.
func TestPaceFaultVerdictRestoresWhereRefused(t *testing.T) {
	for seed := range uint64(8) {
		s := longPull(8, 200, 20, time.Second)
		s.seed = seed
		r, _ := runSim(s)
		if r.share() > 0.045 {
			t.Errorf("seed %d: %d 429s of %d requests (%.1f%%), want at most 4.5%%", seed, r.refused, r.sent, 100*r.share())
		}
	}
}
