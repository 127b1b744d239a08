package keepnet

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeAPIError(t *testing.T) {
	noScrub := func(s string) string { return s }
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  string
		wantMessage string
		wantValid   []string
	}{
		{
			name:        "envelope, camel case",
			contentType: "application/json",
			body:        `{"data":null,"status":"INPUT_ERROR","message":"Invalid request","validationMessages":["OrderBy must not be null","Filter is required"]}`,
			wantStatus:  "INPUT_ERROR", wantMessage: "Invalid request",
			wantValid: []string{"OrderBy must not be null", "Filter is required"},
		},
		{
			name:        "envelope, Pascal case",
			contentType: "application/json",
			body:        `{"Status":"PRIVACY_ERROR","Message":"Company is not managed by you","ValidationMessages":[]}`,
			wantStatus:  "PRIVACY_ERROR", wantMessage: "Company is not managed by you",
		},
		{
			name:        "validation messages as objects",
			contentType: "application/json",
			body:        `{"status":"INPUT_ERROR","validationMessages":[{"propertyName":"Name","errorMessage":"Name is required"}]}`,
			wantStatus:  "INPUT_ERROR", wantValid: []string{"Name: Name is required"},
		},
		{
			name:        "ASP.NET problem details",
			contentType: "application/problem+json",
			body:        `{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"filter":["The filter field is required."],"$.ascending":["bad bool"]}}`,
			wantMessage: "One or more validation errors occurred.",
			wantValid:   []string{"$.ascending: bad bool", "filter: The filter field is required."},
		},
		{
			name:        "null fields",
			contentType: "application/json",
			body:        `{"status":null,"message":null,"validationMessages":null}`,
		},
		{
			name:        "HTML page from the edge",
			contentType: "text/html",
			body:        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>",
			wantMessage: "502 Bad Gateway",
		},
		{
			name:        "HTML without title, mislabelled",
			contentType: "application/json",
			body:        "<html><body><script>var x = 1;</script><h1>Service&nbsp;Unavailable</h1>\n\n<p>Try   later &amp; again</p></body></html>",
			wantMessage: "Service\u00a0Unavailable Try later & again",
		},
		{name: "empty body", contentType: "application/json", body: ""},
		{name: "whitespace body", body: " \r\n "},
		{name: "plain text", contentType: "text/plain", body: "upstream connect error\nor disconnect", wantMessage: "upstream connect error or disconnect"},
		{name: "broken JSON", contentType: "application/json", body: `{"status":"INPUT_ERR`, wantMessage: `{"status":"INPUT_ERR`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeAPIError("POST", "/api/enrollments/search", 400, tt.contentType, []byte(tt.body), noScrub)
			if got.Method != "POST" || got.Path != "/api/enrollments/search" || got.StatusCode != 400 {
				t.Errorf("request identity lost: %+v", got)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("Status = %q, want %q", got.Status, tt.wantStatus)
			}
			if got.Message != tt.wantMessage {
				t.Errorf("Message = %q, want %q", got.Message, tt.wantMessage)
			}
			if !slices.Equal(got.ValidationMessages, tt.wantValid) {
				t.Errorf("ValidationMessages = %q, want %q", got.ValidationMessages, tt.wantValid)
			}
		})
	}
}

func TestAPIErrorSnippetIsShort(t *testing.T) {
	body := "<html><body><p>" + strings.Repeat("Gateway trouble. ", 200) + "</p></body></html>"
	got := decodeAPIError("GET", "/api/x", 502, "text/html", []byte(body), func(s string) string { return s })
	if n := utf8.RuneCountInString(got.Message); n > snippetLimit+1 {
		t.Errorf("snippet has %d runes, want at most %d", n, snippetLimit+1)
	}
	if strings.Contains(got.Message, "<") {
		t.Errorf("snippet shows HTML: %q", got.Message)
	}
}

func TestAPIErrorGuidance(t *testing.T) {
	tests := []struct {
		status int
		want   string
	}{
		{400, "validation messages"},
		{401, "token is missing or expired"},
		{403, "not a Reseller credential"},
		{403, "not managed by it"},
		{404, "company header is missing"},
		{404, "ID is wrong"},
		{429, "rate limited"},
	}
	for _, tt := range tests {
		e := &APIError{Method: "POST", Path: "/api/enrollments/search", StatusCode: tt.status, Status: "SOME_STATUS", Message: "server says no", ValidationMessages: []string{"Name is required"}}
		msg := e.Error()
		for _, part := range []string{tt.want, "POST", "/api/enrollments/search", "SOME_STATUS", "server says no", "Name is required"} {
			if !strings.Contains(msg, part) {
				t.Errorf("%d: %q lacks %q", tt.status, msg, part)
			}
		}
	}
}

// Every non-2xx answer of a generated call comes back as an error that
// errors.As finds as *APIError, whatever the body.
func TestGeneratedCallsReturnAPIError(t *testing.T) {
	s := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/enrollments/search":
			writeJSON(w, http.StatusForbidden, `{"Status":"PRIVACY_ERROR","Message":"not your company"}`)
		case "/api/enrollments/enr-missing":
			w.WriteHeader(http.StatusNotFound)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><title>Oops</title></html>"))
		}
	})
	c, _ := newTestClient(t, s)
	co := c.ForCompany("co-unmanaged-9999")
	ctx := context.Background()
	tests := []struct {
		name       string
		call       func() error
		wantStatus int
		wantText   string
	}{
		{"403 envelope", func() error { return searchEnrollments(ctx, co) }, 403, "PRIVACY_ERROR"},
		{"404 empty", func() error { _, err := co.API().GetEnrollmentsResourceIdWithResponse(ctx, "enr-missing"); return err }, 404, "company header"},
		{"500 HTML", func() error { _, err := co.API().GetEnrollmentsFormDetailsWithResponse(ctx); return err }, 500, "Oops"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %v (%T), want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.wantStatus {
				t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, tt.wantStatus)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q lacks %q", err, tt.wantText)
			}
		})
	}
}

// FuzzDecodeAPIError feeds arbitrary error bodies, as a misbehaving server
// or proxy could send: decoding never fails or panics, snippets stay short,
// and a secret echoed in the body never reaches the error text.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add("application/json", []byte(`{"status":"INPUT_ERROR","message":"x","validationMessages":["a",{"field":"b","message":"c"}]}`))
	f.Add("application/json", []byte(`{"Message":"`+testClientSecret+`","errors":{"k":[["deep",{"x":{"y":"z"}}]]}}`))
	f.Add("text/html", []byte(`<html><title>`+testClientSecret+`</title></html>`))
	f.Add("", []byte(`Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig`))
	f.Add("text/plain", []byte("\xff\xfe not utf-8"))
	f.Add("application/json", []byte(`{"validationMessages":{"a":{"b":{"c":{"d":{"e":{"f":"g"}}}}}}}`))
	scrub := newScrubber(testClientSecret)
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		e := decodeAPIError("POST", "/api/enrollments", 400, contentType, body, scrub)
		msg := e.Error()
		if strings.Contains(msg, testClientSecret) {
			t.Errorf("secret in error text: %q", msg)
		}
		if len(e.ValidationMessages) > maxValidationMessages+1 {
			t.Errorf("%d validation messages, want at most %d", len(e.ValidationMessages), maxValidationMessages+1)
		}
	})
}

// TestAPIErrorTextIsTerminalSafe: whatever the server puts in an error
// body, the error's text cannot drive a terminal.
func TestAPIErrorTextIsTerminalSafe(t *testing.T) {
	bodies := []struct{ contentType, body string }{
		{"application/json", `{"status":"INPUT_\u001b[2J","message":"bad \u001b]0;owned\u0007 name","validationMessages":["field\u202eevil"]}`},
		{"text/html", "<html><head><title>Oops\x1b[31m</title></head></html>"},
		{"text/plain", "plain \x1b[5m blinking"},
	}
	for _, b := range bodies {
		e := decodeAPIError("POST", "/api/x", 400, b.contentType, []byte(b.body), func(s string) string { return s })
		text := e.Error()
		if strings.ContainsAny(text, "\x1b\x07\u202e") {
			t.Errorf("error text %q carries control characters", text)
		}
		if !strings.Contains(text, `\x1b`) && !strings.Contains(text, `\u202e`) {
			t.Errorf("error text %q dropped the control characters instead of showing them", text)
		}
	}
}
