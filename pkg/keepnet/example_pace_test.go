package keepnet_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
)

// Keep what a run learns about the service's rate limit for the next run of
// the same credential. A first run starts unpaced and finds the limit from
// the service's 429s; a run after it, within a day, starts at the pace the
// first one measured. A CLI would pass its state directory.
func ExampleWithPaceMemory() {
	state, err := os.MkdirTemp("", "keepnet-state-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(state)

	client, err := keepnet.New(
		keepnet.WithBaseURL("https://api.keepnetlabs.com"),
		keepnet.WithCredentials("example-client-id", "example-client-secret"),
		keepnet.WithPaceMemory(filepath.Join(state, "pace")),
	)
	if err != nil {
		log.Fatal(err)
	}
	// Nothing learned yet: no pace until the service refuses.
	fmt.Println("pace:", client.Pace().Rate)
	// Output:
	// pace: 0
}
