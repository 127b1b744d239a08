package surveyreport_test

import (
	"testing"

	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnet"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// fakeClient starts a spec-validating fake and returns a client of it.
func fakeClient(t *testing.T, opts ...keepnettest.Option) *keepnet.Client {
	t.Helper()
	srv := keepnettest.NewServer(append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)...)
	t.Cleanup(srv.Close)
	c, err := keepnet.New(keepnet.WithBaseURL(srv.URL), keepnet.WithCredentials(srv.ClientID, srv.ClientSecret))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
