package keepnettest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
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

// token fetches an access token the way the vendor documents it.
func token(t *testing.T, s *keepnettest.Server) string {
	t.Helper()
	cc := clientcredentials.Config{ClientID: s.ClientID, ClientSecret: s.ClientSecret,
		TokenURL: s.URL + "/connect/token", Scopes: []string{"api1"}, AuthStyle: oauth2.AuthStyleInParams}
	// Through the server's own client: a WithInMemoryNetwork server has
	// no other way in.
	tok, err := cc.Token(context.WithValue(context.Background(), oauth2.HTTPClient, s.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// reply is a raw HTTP answer.
type reply struct {
	status int
	header http.Header
	body   string
}

// raw sends one request with the given bearer token ("" for none) and
// headers (name, value pairs).
func raw(t *testing.T, s *keepnettest.Server, bearer, method, path, contentType, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// both are the two company headers for id.
func both(id string) []string {
	return []string{"X-KEEPNET-Company-Id", id, "x-ir-company-id", id}
}

// minimalSearch is the smallest search body the service accepts.
const minimalSearch = `{"pageNumber":1,"pageSize":50,"orderBy":"CreateTime","ascending":false,"filter":{"Condition":"AND","SearchInputTextValue":""}}`

// decode unmarshals a reply body into v.
func decode(t *testing.T, r reply, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
}

// searchBody builds a search body with the given paging and text.
func searchBody(page, size int, text string) string {
	b, _ := json.Marshal(map[string]any{"pageNumber": page, "pageSize": size, "orderBy": "CreateTime", "ascending": false,
		"filter": map[string]string{"Condition": "AND", "SearchInputTextValue": text}})
	return string(b)
}
