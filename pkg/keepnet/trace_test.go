package keepnet

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/keepnet-flow/keepnet-flow/gen"
)

// A debugging session through every path that handles secrets: token
// request and response, a retry, an error body echoing the credentials, a
// token endpoint failure. Neither the secret nor any token may appear in the
// trace, the logs or the errors.
func TestSecretsNeverLeak(t *testing.T) {
	issued := testTokenPrefix + "1"
	var apiCalls atomic.Int64
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch apiCalls.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			writeJSON(w, http.StatusServiceUnavailable, `{"status":"UNAVAILABLE"}`)
		case 2:
			writeJSON(w, http.StatusOK, `{"data":{"results":[{"companyName":"Acme Manufacturing","accessToken":"`+issued+`"}]}}`)
		default:
			// A careless server echoing what it was sent, in every form.
			writeJSON(w, http.StatusBadRequest, `{"status":"INPUT_ERROR","message":"got `+r.Header.Get("Authorization")+` and `+testClientSecret+`","validationMessages":["token `+issued+` rejected"]}`)
		}
	})
	var trace, logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := newTestClient(t, s, WithTrace(&trace), WithLogger(logger))
	ctx := context.Background()

	if _, err := c.API().PostCompaniesSearchWithResponse(ctx, gen.PostCompaniesSearchJSONRequestBody{}); err != nil {
		t.Fatalf("search: %v", err)
	}
	_, apiErr := c.ForCompany("co-acme-0001").API().PostEnrollmentsWithResponse(ctx, gen.PostEnrollmentsJSONRequestBody{})
	if apiErr == nil {
		t.Fatal("create answered 400 but returned no error")
	}

	// A token endpoint that echoes the form it got.
	s.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		writeJSON(w, http.StatusInternalServerError, `{"message":"cannot handle `+r.PostForm.Encode()+`"}`)
	}
	fresh, _ := newTestClient(t, s, WithTrace(&trace), WithLogger(logger), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, tokenErr := fresh.API().GetTimezoneTimezonesWithResponse(ctx)
	if tokenErr == nil {
		t.Fatal("token endpoint failed but the call succeeded")
	}

	secrets := []string{testClientSecret, url.QueryEscape(testClientSecret), testTokenPrefix}
	for what, text := range map[string]string{
		"trace": trace.String(), "logs": logs.String(),
		"API error": apiErr.Error(), "token error": tokenErr.Error(),
	} {
		if leaked := leakedSecrets(text, secrets...); leaked != nil {
			t.Errorf("%s leaks %q:\n%s", what, leaked, text)
		}
	}
	// The trace is still useful: it shows what was sent and answered.
	for _, want := range []string{
		"POST " + s.URL + "/connect/token",
		"client_id=" + testClientID,
		"client_secret=" + redacted,
		`"access_token":"` + redacted + `"`,
		"Authorization: Bearer " + redacted,
		"X-Keepnet-Company-Id: co-acme-0001",
		"503 Service Unavailable",
		"Acme Manufacturing",
	} {
		if !strings.Contains(trace.String(), want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if !strings.Contains(logs.String(), "retrying") || !strings.Contains(logs.String(), "attempt=2") {
		t.Errorf("retry not logged at debug level:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "Authorization") {
		t.Errorf("logs mention headers:\n%s", logs.String())
	}
}

func TestRedactBody(t *testing.T) {
	scrub := newScrubber(testClientSecret)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJ1c2VyX2NvbXBhbnlfcmVzb3VyY2VpZCI6ImNvLTEifQ.c2lnbmF0dXJl"
	tests := []struct {
		name, contentType, body string
		hidden                  []string
		shown                   []string
	}{
		{
			name:        "token request form",
			contentType: "application/x-www-form-urlencoded",
			body:        url.Values{"client_id": {testClientID}, "client_secret": {"form-secret-value"}, "grant_type": {"client_credentials"}}.Encode(),
			hidden:      []string{"form-secret-value"},
			shown:       []string{"client_id=" + testClientID, "client_secret=" + redacted},
		},
		{
			name:        "token response",
			contentType: "application/json",
			body:        `{"access_token":"opaque-a","refresh_token":"opaque-r","id_token":"opaque-i","expires_in":3600}`,
			hidden:      []string{"opaque-a", "opaque-r", "opaque-i"},
			shown:       []string{`"expires_in":3600`},
		},
		{
			name:        "nested and camel-case keys",
			contentType: "application/json; charset=utf-8",
			body:        `{"data":{"items":[{"accessToken":"opaque-b","name":"Zoë Ångström-Ñúñez"}],"Client-Secret":"opaque-c"}}`,
			hidden:      []string{"opaque-b", "opaque-c"},
			shown:       []string{"Zoë Ångström-Ñúñez"},
		},
		{
			name:        "form-encoded token response",
			contentType: "application/x-www-form-urlencoded",
			body:        "access_token=opaque-d&token_type=bearer",
			hidden:      []string{"opaque-d"},
			shown:       []string{"token_type=bearer"},
		},
		{
			name:   "free text with a JWT and the client secret",
			body:   "failed for " + jwt + " using " + testClientSecret,
			hidden: []string{jwt, testClientSecret},
			shown:  []string{"failed for"},
		},
		{
			name:        "JSON mislabelled as text",
			contentType: "text/plain",
			body:        `{"access_token":"opaque-e"}`,
			hidden:      []string{"opaque-e"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := redactBody(tt.contentType, []byte(tt.body), scrub)
			for _, h := range tt.hidden {
				if strings.Contains(got, h) {
					t.Errorf("%q shows %q", got, h)
				}
			}
			for _, want := range tt.shown {
				if !strings.Contains(got, want) {
					t.Errorf("%q lacks %q", got, want)
				}
			}
		})
	}
}

func TestRedactHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("Authorization", "Bearer opaque-f")
	h.Set("Proxy-Authorization", "Basic b3BhcXVl")
	h.Set("Cookie", "session=opaque-g")
	h.Set("X-KEEPNET-Company-Id", "co-acme-0001")
	got := strings.Join(redactHeaders(h), "\n")
	for _, hidden := range []string{"opaque-f", "b3BhcXVl", "opaque-g"} {
		if strings.Contains(got, hidden) {
			t.Errorf("headers show %q:\n%s", hidden, got)
		}
	}
	for _, want := range []string{"Authorization: Bearer " + redacted, "Cookie: " + redacted, "X-Keepnet-Company-Id: co-acme-0001"} {
		if !strings.Contains(got, want) {
			t.Errorf("headers lack %q:\n%s", want, got)
		}
	}
}

// The trace must not change what the caller receives, including a body
// that fails half way.
func TestTraceKeepsResponses(t *testing.T) {
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":{"results":[{"companyName":"Globex Retail","companyResourceId":"co-globex-0002"}]}}`)
	})
	var trace bytes.Buffer
	c, _ := newTestClient(t, s, WithTrace(&trace))
	resp, err := c.API().PostCompaniesSearchWithResponse(context.Background(), gen.PostCompaniesSearchJSONRequestBody{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.JSON200 == nil || resp.JSON200.Data == nil || len(*resp.JSON200.Data.Results) != 1 ||
		*(*resp.JSON200.Data.Results)[0].CompanyResourceId != "co-globex-0002" {
		t.Errorf("decoded response changed by the trace: %s", resp.Body)
	}
	if !strings.Contains(trace.String(), `"pageNumber"`) && !strings.Contains(trace.String(), `"ascending"`) {
		t.Errorf("trace does not show the request body:\n%s", trace.String())
	}
}

// The trace is read on a terminal: what the server sends (an error page
// that clears the screen, a status text, headers) is shown escaped, and a
// body the trace can show only a prefix of is still redacted.
func TestTraceIsTerminalSafe(t *testing.T) {
	long := strings.Repeat("padding ", 10<<10)
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Evil", "a\u009bb")
		if r.Method == http.MethodPost {
			writeJSON(w, http.StatusOK, `{"clientSecret":"`+testClientSecret+`","pad":"`+long+`"}`)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>\x1b[2J\x1b]52;c;ZXZpbA==\x07gateway\u009b</html>\n"))
	})
	var trace bytes.Buffer
	c, _ := newTestClient(t, s, WithTrace(&trace), WithRetry(RetryPolicy{MaxAttempts: 1}))
	if _, err := c.ForCompany("co-1").API().GetEnrollmentsResourceId(context.Background(), "enr-1"); err == nil {
		t.Fatal("a 502 succeeded")
	}
	if _, err := c.API().PostCompaniesSearch(context.Background(), gen.PostCompaniesSearchJSONRequestBody{}); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	for _, raw := range []string{"\x1b", "\x07", "\u009b"} {
		if strings.Contains(out, raw) {
			t.Errorf("the trace holds %q raw", raw)
		}
	}
	for _, want := range []string{`<html>\x1b[2J\x1b]52;c;ZXZpbA==\x07gateway\x9b</html>`, `X-Evil: a\x9bb`, "bytes in all; the first 8192 shown"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if leaked := leakedSecrets(out, testClientSecret); leaked != nil {
		t.Errorf("a truncated body leaks %q", leaked)
	}
}
