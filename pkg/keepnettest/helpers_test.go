package keepnettest_test

import (
	"context"
	"net/http"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/keepnet-flow/keepnet-flow/gen"
	"github.com/keepnet-flow/keepnet-flow/internal/testspec"
	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// newServer starts a fake that validates every request against the vendor
// spec and fails t on a violation.
func newServer(t *testing.T, opts ...keepnettest.Option) *keepnettest.Server {
	t.Helper()
	opts = append([]keepnettest.Option{keepnettest.WithSpec(testspec.Load(t)), keepnettest.WithT(t)}, opts...)
	s := keepnettest.NewServer(opts...)
	t.Cleanup(s.Close)
	return s
}

// bearerClient is an HTTP client that fetches and sends a token from s.
func bearerClient(t *testing.T, s *keepnettest.Server) *http.Client {
	t.Helper()
	cc := clientcredentials.Config{
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret,
		TokenURL:     s.URL + "/connect/token",
		Scopes:       []string{"api1"},
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	return cc.Client(context.Background())
}

// api is the generated client, unscoped.
func api(t *testing.T, s *keepnettest.Server) *gen.ClientWithResponses {
	t.Helper()
	c, err := gen.NewClientWithResponses(s.URL, gen.WithHTTPClient(bearerClient(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scoped is the generated client acting for companyID through both headers.
func scoped(t *testing.T, s *keepnettest.Server, companyID string) *gen.ClientWithResponses {
	t.Helper()
	c, err := gen.NewClientWithResponses(s.URL, gen.WithHTTPClient(bearerClient(t, s)),
		gen.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("X-KEEPNET-Company-Id", companyID)
			r.Header.Set("x-ir-company-id", companyID)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }
