package keepnettest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
)

// permissions is what the token response lists; clients must not depend on
// its contents.
var permissions = []string{"Company.Search", "Enrollment.Create", "Enrollment.Search", "Enrollment.Send", "TrainingReport.View"}

// handleToken is POST /connect/token: client credentials, form-encoded only,
// credentials in the form body (as docs/api-behaviour.md records).
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType != "application/x-www-form-urlencoded" {
		// The identity server fails on anything else, JSON included.
		writeHTML(w, http.StatusInternalServerError)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	if r.PostForm.Get("client_id") != s.ClientID || r.PostForm.Get("client_secret") != s.ClientSecret {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client"})
		return
	}
	if scope := r.PostForm.Get("scope"); scope != "" && scope != "api1" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_scope"})
		return
	}
	token, ttl := s.issueToken()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": token,
		"expires_in":   int(ttl / time.Second),
		"token_type":   "Bearer",
		"scope":        "api1",
		"permissions":  permissions,
	})
}

// issueToken makes a JWT-shaped token carrying the reseller's company, as the
// service's does. The signature is a hash: nothing verifies it but us, and we
// look tokens up instead.
func (s *Server) issueToken() (string, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenSerial++
	now := s.cfg.now()
	exp := now.Add(s.cfg.tokenTTL)
	seg := func(v any) string {
		b, _ := json.Marshal(v) // plain maps of strings and numbers
		return base64.RawURLEncoding.EncodeToString(b)
	}
	head := seg(map[string]string{"alg": "RS256", "typ": "JWT"})
	claims := seg(map[string]any{
		"iss":                     s.URL,
		"client_id":               s.ClientID,
		"scope":                   []string{"api1"},
		"user_company_resourceid": ResellerCompanyID,
		"jti":                     fmt.Sprintf("keepnettest-%d", s.tokenSerial),
		"iat":                     now.Unix(),
		"exp":                     exp.Unix(),
	})
	sum := sha256.Sum256([]byte(head + "." + claims))
	token := head + "." + claims + "." + hex.EncodeToString(sum[:16])
	s.tokens[token] = exp
	return token, s.cfg.tokenTTL
}

// authed wraps a handler with the bearer check: a missing, unknown or
// expired token gets 401 with an empty body, as the service answers.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !s.tokenValid(token) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

func (s *Server) tokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[token]
	return ok && s.cfg.now().Before(exp)
}

// ExpireTokens makes every token issued so far expired, as if an hour had
// passed: the next call with one gets 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

// TokensIssued counts the tokens issued so far.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenSerial
}
