package workflows

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/keepnet-flow/keepnet-flow/pkg/keepnettest"
)

// sessionsBodyOf fetches the exam-result-sessions body of one Acme user
// who answered, as the fake sends it.
func sessionsBodyOf(b *testing.B) []byte {
	b.Helper()
	srv := keepnettest.NewServer()
	b.Cleanup(srv.Close)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret}, "scope": {"api1"}}
	resp, err := http.PostForm(srv.URL+"/connect/token", form)
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	token := strings.Split(strings.Split(string(tok), `"access_token":"`)[1], `"`)[0]
	for u := range srv.Users(keepnettest.EnrollmentAcmeSurveyID) {
		if len(srv.Answers(keepnettest.EnrollmentAcmeSurveyID, u.ID)) == 0 {
			continue
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet,
			srv.URL+"/api/training-reports/"+keepnettest.EnrollmentAcmeSurveyID+"/exam-result-sessions/"+u.ID, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-KEEPNET-Company-Id", keepnettest.CompanyAcmeID)
		req.Header.Set("x-ir-company-id", keepnettest.CompanyAcmeID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return body
	}
	b.Fatal("no user answered")
	return nil
}

// BenchmarkDecodeSessions compares the decoding of one user's sessions
// body, the largest cost of the pull's CPU per user: through the lenient
// decoder (its fast path) against the strict decode it replaced, with the
// same options, in the same run. Report the ratio of the two.
func BenchmarkDecodeSessions(b *testing.B) {
	body := sessionsBodyOf(b)
	b.Run("lenient", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := decodeAnswers(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The same body with every question index sent as a string: the fast
	// path refuses it, and the walk decodes it field by field.
	drifted := regexp.MustCompile(`"index":(\d+)`).ReplaceAll(body, []byte(`"index":"$1"`))
	b.Run("lenient drifted", func(b *testing.B) {
		b.SetBytes(int64(len(drifted)))
		for b.Loop() {
			if _, err := decodeAnswers(drifted); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What the pull did before: decode strictly, then read the answers.
	strict := jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))
	b.Run("strict", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var s struct {
				Data []session `json:"data"`
			}
			if err := jsonv2.UnmarshalRead(bytes.NewReader(body), &s, strict); err != nil {
				b.Fatal(err)
			}
			_ = answersOf(s.Data, 0)
		}
	})
}
