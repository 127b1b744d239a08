// Package factory builds the cmdutil.Factory of one run: the Keepnet client
// from the environment and the global flags, or the in-process sandbox.
package factory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"github.com/keepnet-flow/keepnet-flow/internal/cli/cmdutil"
	"github.com/keepnet-flow/keepnet-flow/internal/cli/iostreams"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// Settings are the global flags that shape the client. The root command
// fills them while parsing; the client is built after that.
type Settings struct {
	Sandbox bool // --sandbox
	// SandboxDrift is --sandbox-drift's seed, meant only when
	// SandboxDriftSet (0 is a seed like any other); the same for
	// --sandbox-unstable.
	SandboxDrift       uint64
	SandboxDriftSet    bool
	SandboxUnstable    uint64
	SandboxUnstableSet bool
	Debug              bool   // --debug
	SecretFile         string // --client-secret-file
	// NoPaceMemory is --no-pace-memory: neither start from the pace
	// earlier runs learned nor keep this run's.
	NoPaceMemory bool
}

// New returns the factory of one run on ios, and the function that
// releases what the run started (the sandbox). base are client options
// before any other, for tests (fast retries, a transport that breaks one
// company).
func New(ios *iostreams.IOStreams, settings *Settings, base ...keepnet.Option) (*cmdutil.Factory, func()) {
	c := &clients{settings: settings, ios: ios, base: base}
	f := &cmdutil.Factory{IOStreams: ios, Client: c.client, HowFar: &cmdutil.HowFar{}}
	return f, c.close
}

// clients builds the run's client once.
type clients struct {
	settings *Settings
	ios      *iostreams.IOStreams
	base     []keepnet.Option

	mu sync.Mutex
	// fake is the in-process sandbox, started on first use under
	// --sandbox and closed when the run ends.
	fake *keepnettest.Server
	api  *keepnet.Client
}

// client returns the Keepnet client for this run. Credentials and base URL
// come from the environment (KEEPNET_CLIENT_ID, KEEPNET_CLIENT_SECRET,
// KEEPNET_BASE_URL), or, under --sandbox, from an in-process fake that
// needs none. --debug adds a redacted HTTP trace and the client's debug
// log (retries, changes of pace) on stderr. The pace the service allowed
// is kept in the state directory for the next run, unless
// --no-pace-memory says not to; not under --sandbox, whose fake is new on
// every run.
func (c *clients) client(ctx context.Context, extra ...keepnet.Option) (*keepnet.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.api != nil {
		return c.api, nil
	}
	opts := append(append([]keepnet.Option(nil), c.base...), extra...)
	if c.settings.Debug {
		// The trace shows each exchange; the log, the client's decisions:
		// retries and each change of pace.
		opts = append(opts, keepnet.WithTrace(c.ios.ErrOut),
			keepnet.WithLogger(slog.New(slog.NewTextHandler(c.ios.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if c.settings.Sandbox {
		fake, err := c.startSandbox(ctx)
		if err != nil {
			return nil, err
		}
		opts = append(opts, keepnet.WithBaseURL(fake.URL), keepnet.WithCredentials(fake.ClientID, fake.ClientSecret))
	} else {
		creds, err := secretFileOption(c.settings.SecretFile, c.ios.In)
		if err != nil {
			return nil, fmt.Errorf("connecting to Keepnet: %w", err)
		}
		if creds != nil {
			opts = append(opts, creds)
		}
		if !c.settings.NoPaceMemory {
			// Without a state directory (no home), the run just starts
			// without a memory.
			if dir, err := workflows.DefaultStateDir(); err == nil {
				opts = append(opts, keepnet.WithPaceMemory(filepath.Join(dir, "pace")))
			}
		}
	}
	api, err := keepnet.New(opts...)
	var config *keepnet.ConfigError
	if errors.As(err, &config) && (strings.Contains(config.Setting, keepnet.EnvClientID) || strings.Contains(config.Setting, keepnet.EnvClientSecret)) {
		// Missing credentials is where a newcomer stops; the sandbox needs
		// none.
		return nil, fmt.Errorf("connecting to Keepnet: %w; or add --sandbox to try keepnet-flow against its built-in fake API", err)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to Keepnet: %w", err)
	}
	c.api = api
	return api, nil
}

// unstablePageCap is the page size of the in-process sandbox under
// --sandbox-unstable: its world is small (30 users in a survey, three
// companies), and a listing that fits in one page cannot show unstable
// paging at all.
const unstablePageCap = 10

// startSandbox starts the in-process fake once.
func (c *clients) startSandbox(ctx context.Context) (*keepnettest.Server, error) {
	if c.fake != nil {
		return c.fake, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var opts []keepnettest.Option
	if c.settings.SandboxDriftSet {
		opts = append(opts, keepnettest.WithTypeDrift(c.settings.SandboxDrift))
	}
	if c.settings.SandboxUnstableSet {
		opts = append(opts, keepnettest.WithUnstableOrder(c.settings.SandboxUnstable), keepnettest.WithPageSizeCap(unstablePageCap))
	}
	fake, err := keepnettest.Start(opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox: %w", err)
	}
	c.fake = fake
	fmt.Fprintf(c.ios.Progress(), "keepnet-flow: --sandbox: using the built-in fake Keepnet API at %s\n", fake.URL)
	return fake, nil
}

// close releases what the run started.
func (c *clients) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fake != nil {
		c.fake.Close()
		c.fake = nil
	}
}
