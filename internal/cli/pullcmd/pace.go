package pullcmd

import (
	"fmt"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// paceSummary is the closing line's account of the pace: how many
// requests the service turned away and how long they waited, or "" when it
// turned none away.
func paceSummary(pace keepnet.PaceStats) string {
	if pace.Throttled == 0 {
		return ""
	}
	s := fmt.Sprintf("; %d requests throttled (429), %s spent waiting them out", pace.Throttled, pace.Waited.Round(100*time.Millisecond))
	if pace.Rate > 0 {
		s += fmt.Sprintf(", paced at %.1f requests/s at the end", pace.Rate)
	}
	return s
}
