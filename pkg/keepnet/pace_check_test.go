package keepnet

import (
	"testing"
	"time"
)

// A rough cut (a hold cut short by a quarter of the answers refused) can
// land just above the limit, which goes on refusing about as much: its
// check took that for faults and sent the pace back up, to 2.2-2.4 times
// the limit. At 200 a second with 8 in flight, three pulls in eight
// refused 5.0-5.3% of their requests that way (3.6-4.0% with the pace
// restored only to where the service first refused). A rough cut is not
// checked now, and a fault verdict goes back at most to where the service
// first refused.
func TestPaceARoughCutIsNotTakenForFaults(t *testing.T) {
	for seed := range uint64(8) {
		s := longPull(8, 200, 20, time.Second)
		s.seed = seed
		r, _ := runSim(s)
		if r.share() > 0.03 {
			t.Errorf("seed %d: %d 429s of %d requests (%.1f%%), want at most 3%%", seed, r.refused, r.sent, 100*r.share())
		}
	}
}
