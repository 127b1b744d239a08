package workflows

import (
	"time"

	"github.com/keepnet-flow/keepnet-flow/internal/statedir"
)

// EnvStateDir, when set, is the state directory DefaultStateDir returns.
const EnvStateDir = statedir.EnvDir

// DefaultSettleWindow is how long after a create whose outcome is unknown a
// rerun of the same request keeps looking for the enrollment before it
// creates one again, when EnrollRequest.SettleWindow is zero. The service's
// listing has been seen to lag a create by seconds; minutes leave room.
const DefaultSettleWindow = 5 * time.Minute

// DefaultStateDir returns where the flows keep their local state (enroll's
// lock and its records of creates whose outcome is unknown):
// $KEEPNET_FLOW_STATE_DIR if set, else $XDG_STATE_HOME/keepnet-flow, else
// ~/.local/state/keepnet-flow (on Windows, keepnet-flow\state under the
// user's configuration directory). It is state in the XDG sense: worth
// keeping across runs, not worth backing up, and not configuration.
func DefaultStateDir() (string, error) { return statedir.Default() }
