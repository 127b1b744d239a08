package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
	"github.com/keepnet-flow/keepnet-flow/pkg/workflows"
)

// cliFake starts a spec-validating fake and points the CLI's environment at
// it.
func cliFake(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	t.Setenv(keepnet.EnvBaseURL, srv.URL)
	t.Setenv(keepnet.EnvClientID, srv.ClientID)
	t.Setenv(keepnet.EnvClientSecret, srv.ClientSecret)
	t.Setenv(workflows.EnvStateDir, t.TempDir()) // never the user's own
	return srv
}

// cliRun runs the program as main does and returns its exit code, stdout and
// stderr.
func cliRun(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}
