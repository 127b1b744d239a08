package keepnettest_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

func tokenForm(id, secret string) string {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"api1"}}.Encode()
}

func TestTokenResponseCarriesAccessTokenExpiryTypeAndPermissions(t *testing.T) {
	s := newServer(t, keepnettest.WithTokenTTL(90*time.Second))
	r := raw(t, s, "", "POST", "/connect/token", "application/x-www-form-urlencoded", tokenForm(s.ClientID, s.ClientSecret))
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var tok struct {
		AccessToken string   `json:"access_token"`
		ExpiresIn   int      `json:"expires_in"`
		TokenType   string   `json:"token_type"`
		Permissions []string `json:"permissions"`
	}
	decode(t, r, &tok)
	if tok.AccessToken == "" || strings.Count(tok.AccessToken, ".") != 2 {
		t.Errorf("access_token %q is not JWT-shaped", tok.AccessToken)
	}
	if tok.ExpiresIn != 90 || tok.TokenType != "Bearer" || len(tok.Permissions) == 0 {
		t.Errorf("token response = %+v, want expires_in 90, Bearer, permissions", tok)
	}
}

func TestTokenEndpointAcceptsOnlyFormBodies(t *testing.T) {
	// The spec forbids a JSON token request, so a validating fake would
	// answer 400 before the endpoint: this checks the live behaviour.
	s := keepnettest.NewServer()
	defer s.Close()
	body := `{"grant_type":"client_credentials","client_id":"` + s.ClientID + `","client_secret":"` + s.ClientSecret + `"}`
	r := raw(t, s, "", "POST", "/connect/token", "application/json", body)
	if r.status != 500 {
		t.Errorf("JSON token request: status %d, want 500", r.status)
	}
}

func TestTokenEndpointRejectsBadCredentialsWithInvalidClient(t *testing.T) {
	s := newServer(t)
	for name, form := range map[string]string{
		"wrong secret": tokenForm(s.ClientID, "not-the-secret"),
		"unknown id":   tokenForm("someone-else", s.ClientSecret),
		"empty secret": tokenForm(s.ClientID, ""),
	} {
		r := raw(t, s, "", "POST", "/connect/token", "application/x-www-form-urlencoded", form)
		if r.status != 400 || strings.TrimSpace(r.body) != `{"error":"invalid_client"}` {
			t.Errorf("%s: status %d body %s, want 400 {\"error\":\"invalid_client\"}", name, r.status, r.body)
		}
	}
}

func TestUnauthorizedAnswersAreEmpty401s(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := newServer(t, keepnettest.WithClock(clock), keepnettest.WithTokenTTL(10*time.Minute))
	valid := token(t, s)

	if r := raw(t, s, valid, "POST", "/api/companies/search", "application/json", minimalSearch); r.status != 200 {
		t.Fatalf("fresh token: status %d: %s", r.status, r.body)
	}
	mu.Lock()
	now = now.Add(11 * time.Minute)
	mu.Unlock()

	for name, bearer := range map[string]string{"missing": "", "unknown": "a.b.c", "expired": valid} {
		r := raw(t, s, bearer, "POST", "/api/companies/search", "application/json", minimalSearch)
		if r.status != 401 || r.body != "" {
			t.Errorf("%s token: status %d body %q, want 401 with empty body", name, r.status, r.body)
		}
	}
	if r := raw(t, s, token(t, s), "POST", "/api/companies/search", "application/json", minimalSearch); r.status != 200 {
		t.Errorf("new token after expiry: status %d", r.status)
	}
}

func TestExpireTokensForcesANewToken(t *testing.T) {
	s := newServer(t)
	tok := token(t, s)
	s.ExpireTokens()
	if r := raw(t, s, tok, "GET", "/api/timezone/timezones", "", ""); r.status != 401 {
		t.Errorf("after ExpireTokens: status %d, want 401", r.status)
	}
	if n := s.TokensIssued(); n != 1 {
		t.Errorf("TokensIssued = %d, want 1", n)
	}
}
